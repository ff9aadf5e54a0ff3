"""Renderers: pure functions from query results to text; they never print and never see
the catalog."""
