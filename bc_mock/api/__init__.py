"""The BC API: URL roots, resource paths, dispatch, and $batch."""
