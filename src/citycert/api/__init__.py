"""The JSON API under /api/v1/: the same services, queries and policy as the pages."""
