"""Whether each owning service answers, asked in parallel with a deadline."""
import eventlet

from shared.config import SERVICES

UNAVAILABLE = "unavailable"


def check_services(rpc, timeout):
    """``{service: "ok" | "unavailable"}``; a service that does not answer in time is unavailable."""
    replies = {name: _ask(rpc, name) for name in SERVICES}
    statuses = {}
    with eventlet.Timeout(timeout, False):
        for name, reply in replies.items():
            statuses[name] = _status(reply)
    return {name: statuses.get(name, UNAVAILABLE) for name in SERVICES}


def _ask(rpc, name):
    try:
        return getattr(rpc, name).ping.call_async()
    except Exception:  # e.g. UnknownService: no queue for it has ever been declared
        return None


def _status(reply):
    if reply is None:
        return UNAVAILABLE
    try:
        return reply.result()["status"]
    except Exception:  # any failure of the probe means the service is not healthy
        return UNAVAILABLE
