"""JSON API routes under /api/v1: parse -> service -> response model. No rules live here."""
