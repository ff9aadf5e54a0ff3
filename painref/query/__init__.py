"""Questions asked of the catalog: lookup, find, search; results with names resolved."""
