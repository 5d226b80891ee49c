"""Log records that can be followed across processes: one correlation id per HTTP request.

The gateway takes the id from the request (or makes one) and puts it into the nameko call context,
which nameko carries in message headers to every RPC call; the outbox stores it with each event and
the relay puts it into the event's headers (shared/messaging.py). Each worker sets it for its own
greenthread (shared/metrics.py ``Instrumentation``), and :class:`CorrelationFilter` stamps it on every
record, so one grep finds a request's lines in every service's log.
``deploy/config.yaml`` chooses the format with ``LOG_FORMAT``: ``json`` (one object per line) or ``plain``.
"""
import json
import logging
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

CONTEXT_KEY = "correlation_id"
# Each greenthread starts with an empty context, so an id never leaks from one worker to the next.
correlation_id = ContextVar(CONTEXT_KEY, default=None)
# The process's service, for log lines: each process runs one service (set when it starts).
service = {"name": None}


def new_correlation_id():
    return uuid.uuid4().hex


class CorrelationFilter(logging.Filter):
    """Gives the plain format ``%(correlation_id)s`` and ``%(service)s`` ("-" where there is none)."""

    def filter(self, record):
        record.correlation_id = correlation_id.get() or "-"
        record.service = service["name"] or "-"
        return True


class ExpectedErrorsWithoutTraceback(logging.Filter):
    """nameko logs every expected error of a worker (a 409 of a full session, a 404, a 422) as a warning
    with its traceback: the refusal is an answer, not a fault, and formatting the traceback cost more
    than the refusal itself (most of a booking rush's log). The line stays, without the traceback."""

    def filter(self, record):
        if record.name == "nameko.containers" and str(record.msg).startswith("(expected)"):
            record.exc_info = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, service, correlation_id, exception."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "service": service["name"],
            "correlation_id": correlation_id.get(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)
