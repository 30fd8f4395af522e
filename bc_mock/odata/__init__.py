"""OData v4 as BC speaks it: ETags, payload shapes and query options."""
