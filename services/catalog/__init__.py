"""Catalog: the municipalities of the network, their organisations, and user accounts."""
