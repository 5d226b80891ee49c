"""The four founding cities of the network, each a municipality plugin (see shared/plugins.py)."""
