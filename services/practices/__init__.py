"""Practices: the registry of best practices and career trials, their review, sessions and bookings."""
