"""The Russian web interface of the network, server-rendered by the gateway (Jinja2, one CSS file).

Pages read across cities from the read model and send commands over RPC with the visitor's token,
exactly as the JSON API does; each page is a function named in ``services/gateway/service.py``.
"""
