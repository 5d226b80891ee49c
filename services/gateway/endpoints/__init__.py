"""The gateway's HTTP handlers, one module per area of plain functions; ``service.py`` names each as an entrypoint."""
