"""Prometheus metrics of the network, and the worker instrumentation every service shares.

Each process keeps its own metrics in prometheus_client's default registry: each owning service serves
them on a port of its own (:class:`MetricsServer`, ``METRICS_PORTS`` in deploy/config.yaml), so
replicas are scraped one by one and their counters never mix. The processes of one gateway (its HTTP
workers on one port and its projector, docs/gateway-processes.md) share a directory instead
(``PROMETHEUS_MULTIPROC_DIR``, set by the launcher): ``/metrics``, whichever worker answers, adds up
all of them. Recording a value costs a few microseconds: a label lookup and an addition.
"""
import gc
import logging
import os
import time
from datetime import datetime
from weakref import WeakKeyDictionary

import eventlet
import eventlet.wsgi
from nameko import config
from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    make_wsgi_app,
    multiprocess,
)

from shared import logs
from shared.batches import EventBatches
from shared.errors import NetworkError

log = logging.getLogger(__name__)
CONTENT_TYPE = CONTENT_TYPE_LATEST
# From a millisecond (a read-model query) to half a minute (the RPC deadline).
DURATION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
# From an event written to its being handled elsewhere: the relay runs every 0.1 s, catch-up every 5 s.
DELAY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)

HTTP_REQUESTS = Counter("practice_network_http_requests_total", "HTTP-запросы к шлюзу",
                        ["route", "method", "status"])
HTTP_DURATION = Histogram("practice_network_http_request_duration_seconds", "Время ответа шлюза, с",
                          ["route", "method"], buckets=DURATION_BUCKETS)
RPC_CALLS = Counter("practice_network_rpc_calls_total", "RPC-вызовы, обработанные сервисом",
                    ["service", "method", "outcome"])
RPC_DURATION = Histogram("practice_network_rpc_duration_seconds", "Время обработки RPC-вызова, с",
                         ["service", "method"], buckets=DURATION_BUCKETS)
EVENTS_HANDLED = Counter("practice_network_events_handled_total", "События, обработанные сервисом",
                         ["service", "event", "outcome"])
EVENT_DURATION = Histogram("practice_network_event_handling_duration_seconds", "Время обработки события, с",
                           ["service", "event"], buckets=DURATION_BUCKETS)
EVENT_DELAY = Histogram("practice_network_event_delay_seconds",
                        "От записи события у владельца до его обработки здесь, с",
                        ["service", "event"], buckets=DELAY_BUCKETS)
EVENTS_PARKED = Counter("practice_network_events_parked_total",
                        "События, отложенные в очередь недоставленных (не обработать и при повторе)",
                        ["service", "event"])
OUTBOX_BACKLOG = Gauge("practice_network_outbox_backlog", "События в outbox, ещё не отправленные в RabbitMQ",
                       ["service"], multiprocess_mode="mostrecent")
READ_MODEL_POSITION = Gauge("practice_network_read_model_position",
                            "Позиция журнала событий владельца, до которой модель чтения шлюза его прочла",
                            ["source"], multiprocess_mode="mostrecent")
SOURCE_POSITION = Gauge("practice_network_event_log_position", "Последняя позиция журнала событий владельца",
                        ["source"], multiprocess_mode="mostrecent")
READ_MODEL_LAG = Gauge("practice_network_read_model_lag_events",
                       "События журнала владельца после позиции модели чтения", ["source"],
                       multiprocess_mode="mostrecent")
# The launcher (application/launcher.py) tells a process it starts again how many times it has done so.
RESTARTS_ENV = "PRACTICE_NETWORK_RESTARTS"
PROCESS_RESTARTS = Gauge("practice_network_process_restarts",
                         "Сколько раз запускатель сети перезапускал этот процесс после его падения",
                         multiprocess_mode="max")


def outcome(exc_info):
    """``ok``; ``refused`` for an error of the network's hierarchy (bad input, no rights, a conflict:
    the service did its job); ``error`` for anything unexpected."""
    if exc_info is None:
        return "ok"
    return "refused" if isinstance(exc_info[1], NetworkError) else "error"


def exposition():
    """The process's metrics in the Prometheus text format; those of every process that shares its
    ``PROMETHEUS_MULTIPROC_DIR`` when that is set."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return generate_latest()
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return generate_latest(registry)


def record_read_model_lag(read, newest):
    """Set the read-model gauges from ``{source: position read}`` and ``{source: newest position}``;
    a source that did not say its newest position has no lag to report (NaN)."""
    for source in set(read) | set(newest):
        READ_MODEL_POSITION.labels(source).set(read.get(source, 0))
        SOURCE_POSITION.labels(source).set(newest.get(source, float("nan")))
        READ_MODEL_LAG.labels(source).set(newest[source] - read.get(source, 0) if source in newest else float("nan"))


class Instrumentation(DependencyProvider):
    """Sets each worker's correlation id (from the call context) for its log lines; counts, times and
    logs each RPC call and event handling. Other workers (timers, HTTP: see the gateway) only get the id.
    Every process has one, so it is also where the process's startup heap is frozen (:meth:`start`)."""

    def __init__(self):
        self.started = WeakKeyDictionary()

    def setup(self):
        logs.service["name"] = self.container.service_name
        PROCESS_RESTARTS.set(int(os.environ.get(RESTARTS_ENV) or 0))

    def start(self):
        # What is loaded by now (modules, the container, its extensions) lives as long as the process:
        # frozen, it is left out of the garbage collector's full passes, which otherwise walk all of it
        # every thousand or so searches, ~100 ms that every request queued on the worker waits out
        # (the p99 of search at 100 000 entries). Measured over 1 000 searches in one process: the
        # slowest 115 → 38 ms, the median unchanged.
        gc.collect()
        gc.freeze()

    def worker_setup(self, worker_ctx):
        logs.correlation_id.set(worker_ctx.data.get(logs.CONTEXT_KEY))
        if isinstance(worker_ctx.entrypoint, (Rpc, EventHandler, EventBatches)):
            self.started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = self.started.pop(worker_ctx, None)
        if started is None:
            return
        elapsed, result_of = time.perf_counter() - started, outcome(exc_info)
        entrypoint, service = worker_ctx.entrypoint, self.container.service_name
        if isinstance(entrypoint, Rpc):
            RPC_CALLS.labels(service, entrypoint.method_name, result_of).inc()
            RPC_DURATION.labels(service, entrypoint.method_name).observe(elapsed)
            log.info("rpc %s %s in %.1f ms", entrypoint.method_name, result_of, elapsed * 1000)
            return
        if isinstance(entrypoint, EventBatches):
            self.batch_handled(worker_ctx.args[0], service, result_of, elapsed)
            return
        event = entrypoint.event_type
        EVENTS_HANDLED.labels(service, event, result_of).inc()
        EVENT_DURATION.labels(service, event).observe(elapsed)
        delay = event_delay(worker_ctx.args)
        if delay is not None:
            EVENT_DELAY.labels(service, event).observe(delay)
        log.info("event %s from %s %s in %.1f ms", event, entrypoint.source_service, result_of, elapsed * 1000)


    @staticmethod
    def batch_handled(events, service, result_of, elapsed):
        """Each event of a batch counted and logged (under its own correlation id) as if handled alone,
        with its share of the batch's time."""
        share = elapsed / len(events)
        for event in events:
            logs.correlation_id.set(event.correlation_id)
            EVENTS_HANDLED.labels(service, event.name, result_of).inc()
            EVENT_DURATION.labels(service, event.name).observe(share)
            delay = event_delay([event.payload])
            if delay is not None:
                EVENT_DELAY.labels(service, event.name).observe(delay)
            log.info("event %s %s in a batch of %d, %.1f ms", event.name, result_of, len(events), elapsed * 1000)
        logs.correlation_id.set(None)


def event_delay(args):
    """Seconds since the event in ``args`` occurred; None if it does not say when (an invalid event)."""
    try:
        return time.time() - datetime.fromisoformat(args[0]["occurred_at"]).timestamp()
    except (LookupError, TypeError, ValueError):
        return None


class MetricsServer(DependencyProvider):
    """Serves the process's metrics on ``METRICS_HOST:METRICS_PORTS[<service>]`` (empty or 0: not served).

    ``before_scrape()`` runs at each scrape, for values counted only then. A port already taken (a
    second replica with the default port) is logged and left: a service is not stopped for its metrics.
    """

    def setup(self):
        self.port = int((config.get("METRICS_PORTS") or {}).get(self.container.service_name) or 0)
        self.socket = self.thread = None

    def start(self):
        if not self.port:
            return
        address = (config.get("METRICS_HOST") or "127.0.0.1", self.port)
        try:
            self.socket = eventlet.listen(address, reuse_port=False)
        except OSError as exc:
            log.error("metrics not served: cannot listen on %s:%s (%s)", *address, exc)
            return
        self.thread = self.container.spawn_managed_thread(self.serve)
        log.info("metrics served at http://%s:%s/metrics", *address)

    def serve(self):
        metrics_app = make_wsgi_app()

        def app(environ, start_response):
            self.before_scrape()
            return metrics_app(environ, start_response)

        eventlet.wsgi.server(self.socket, app, log_output=False)

    def before_scrape(self):
        pass

    def stop(self):
        if self.thread is not None:
            self.thread.kill()
            self.socket.close()
