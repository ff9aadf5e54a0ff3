"""Renderers: pure functions from catalog records to output; they never print."""
