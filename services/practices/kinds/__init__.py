"""The built-in entry kinds, each an entry-kind plugin (see shared/plugins.py)."""
