"""Events taken from RabbitMQ in batches: one worker, and so one transaction, for many events.

nameko's ``event_handler`` gives every message a worker of its own, and a read model fed that way
commits once per event. :class:`EventBatches` is an entrypoint on one queue, bound to every event it
is given: the broker sends up to ``prefetch`` unacknowledged messages ahead, the entrypoint collects
them as they come and, ``max_wait`` seconds after the first one or as soon as there are
``max_events``, runs the decorated method once with the list of :class:`Delivery`. The messages are
acknowledged when that worker has finished, so after its commit; whatever its outcome: events that
could not be applied were parked one by one (``EventLogReader.apply_batch``), or, when the database
was down, come again through the owners' logs (shared/replay.py). One batch runs at a time: the next
one fills up meanwhile, and a SQLite read model's single writer never waits for itself.

By default the queue is the process's own (exclusive, deleted when it disconnects), like a broadcast
handler's: every read model gets every event, and what arrived while its projector was away the catch-up
reads. Being gone with its connection anyway, it is not durable, so the broker keeps its messages in
memory instead of writing each to disk.

``competing=True`` is for a service whose replicas share one database (festivals): one durable queue per
event, each event taken by one replica. Those queues have the names nameko gives the queue of a pooled
per-event handler ``on_<event>``, the handlers such a service had before its batches, so an installation
that ran them keeps its queues and what waits in them, and during a rolling upgrade old and new replicas
compete on the same queues (no queue is left bound to fill up unread).
"""
import time
import uuid
from collections import namedtuple

from eventlet.event import Event
from eventlet.queue import Empty, LightQueue
from kombu import Queue, binding
from nameko import config, serialization
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    DEFAULT_HEARTBEAT,
    HEARTBEAT_CONFIG_KEY,
    LOGIN_METHOD_CONFIG_KEY,
)
from nameko.exceptions import ContainerBeingKilled
from nameko.extensions import Entrypoint
from nameko.messaging import decode_from_headers
from nameko.standalone.events import get_event_exchange

from shared import logs
from shared.compat import TolerantConsumer

BATCH_EVENTS = 100
BATCH_SECONDS = 0.05

# One event as the broker delivered it; ``correlation_id`` is the request that caused it (shared/logs.py).
Delivery = namedtuple("Delivery", "name payload correlation_id")


class EventBatches(Entrypoint):
    """``@event_batches({event name: source service})`` on a method taking ``[Delivery]``; with
    ``competing=True``, its service's replicas compete for each event (see the module's docstring)."""

    def __init__(self, sources, competing=False, max_events=None, max_wait=None, **kwargs):
        self.sources, self.competing = dict(sources), competing
        self.max_events, self.max_wait = max_events, max_wait
        super().__init__(**kwargs)

    def setup(self):
        self.max_events = int(self.max_events or config.get("PROJECTOR_BATCH_EVENTS") or BATCH_EVENTS)
        self.max_wait = float(self.max_wait or config.get("PROJECTOR_BATCH_SECONDS") or BATCH_SECONDS)
        self.queues = self.competing_queues() if self.competing else [self.own_queue()]
        self.arrivals = LightQueue()
        # Twice a batch ahead: while one batch commits, the next one is already on its way. Tolerant: a batch
        # acknowledged on a connection the broker has just closed is logged, not a crash of the projector
        # (the broker requeues it, or, an exclusive queue being gone, the catch-up reads it from the owners' logs).
        self.consumer = TolerantConsumer(
            config[AMQP_URI_CONFIG_KEY], ssl=config.get(AMQP_SSL_CONFIG_KEY),
            login_method=config.get(LOGIN_METHOD_CONFIG_KEY), queues=self.queues, callbacks=[self.arrived],
            heartbeat=config.get(HEARTBEAT_CONFIG_KEY, DEFAULT_HEARTBEAT), prefetch_count=2 * self.max_events,
            accept=serialization.setup().accept)

    def own_queue(self):
        bindings = [binding(get_event_exchange(source), routing_key=name) for name, source in self.sources.items()]
        name = f"evt-batches--{self.container.service_name}.{self.method_name}-{uuid.uuid4().hex}"
        return Queue(name, bindings=bindings, durable=False, auto_delete=True, exclusive=True)

    def competing_queues(self):
        """Declared exactly as nameko's ``@event_handler(source, name)`` on a method ``on_<name>``
        declares its pooled queue, so that an existing one is taken over as it is."""
        service = self.container.service_name
        return [Queue(f"evt-{source}-{name}--{service}.on_{name}", exchange=get_event_exchange(source),
                      routing_key=name, durable=True, auto_delete=False, exclusive=False)
                for name, source in self.sources.items()]

    def start(self):
        self.container.spawn_managed_thread(self.consumer.run)
        self.consumer.wait_until_consumer_ready()
        self.container.spawn_managed_thread(self.run_batches)

    def stop(self):
        self.consumer.stop()

    def arrived(self, body, message):
        """kombu's callback, on the consumer's thread: hand the message to :meth:`run_batches`."""
        self.arrivals.put((body, message))

    def run_batches(self):
        while True:
            self.run(self.next_batch())

    def next_batch(self):
        """Wait for a message, then collect for ``max_wait`` seconds or until ``max_events``."""
        batch = [self.arrivals.get()]
        deadline = time.monotonic() + self.max_wait
        while len(batch) < self.max_events:
            remaining = deadline - time.monotonic()
            try:
                batch.append(self.arrivals.get(timeout=remaining) if remaining > 0 else self.arrivals.get_nowait())
            except Empty:
                break
        return batch

    def run(self, batch):
        """One worker for ``batch``; returns when it has finished and its messages are acknowledged."""
        finished = Event()
        events = [Delivery(message.delivery_info["routing_key"], body,
                           decode_from_headers(message.headers).get(logs.CONTEXT_KEY)) for body, message in batch]

        def acknowledge(worker_ctx, result=None, exc_info=None):
            self.consumer.ack_through([message for _, message in batch])
            finished.send()
            return result, exc_info

        try:
            self.container.spawn_worker(self, (events,), {}, handle_result=acknowledge)
        except ContainerBeingKilled:
            for _, message in batch:
                self.consumer.requeue_message(message)
            return
        finished.wait()


event_batches = EventBatches.decorator
