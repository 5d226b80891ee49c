"""The application around the services: the ``practice-network`` command, the launcher that starts and
supervises the network's processes, the demo loader, backup and restore, and the running-network helper
the tests and benchmarks share. It may import ``services`` and ``shared``; neither imports it."""
