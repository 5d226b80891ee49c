"""Festivals: festivals, forums and contests of the cities and the region."""
