"""The catalog: files read safely and checked, layers merged, and the compiled index."""
