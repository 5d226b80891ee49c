"""The ceiling for the gateway's request rate: a bare nameko ``http`` handler returning a constant.

``bench/operations.py`` runs it with ``nameko run`` beside the network, on the same machine and in the
same run, so that the gateway's search rate can be read as a share of what nameko itself can serve.
"""
from nameko.web.handlers import http

CONSTANT = '{"items": [], "total": 0}'


class CeilingService:
    name = "ceiling"

    @http("GET", "/constant")
    def constant(self, request):
        return 200, {"Content-Type": "application/json"}, CONSTANT
