"""Vocabularies, the field table, the records, errors and text rules: imports nothing else of
painref's, and everything else may import it."""
