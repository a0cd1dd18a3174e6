"""Operator tools that work below the service layer on purpose (bulk data generation). May import
adapters; nothing in the application imports them."""
