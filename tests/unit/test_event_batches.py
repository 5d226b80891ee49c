"""Events in batches (shared/batches.py, EventLogReader.apply_batch), without a broker: each event
takes effect once, a bad event is parked without holding up the others, a batch's messages are
acknowledged only once its worker has finished, and competing batches take over the queues of the
per-event handlers they replace."""
import time

import pytest
from eventlet.queue import LightQueue
from nameko import config
from sqlalchemy import Integer, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.batches import Delivery, EventBatches
from shared.compat import TolerantEventHandler
from shared.db import session_factory
from shared.events import make_envelope
from shared.messaging import ProcessedEventMixin
from shared.replay import EventLogReader, ReplayCheckpointMixin


class Base(DeclarativeBase):
    pass


class Processed(ProcessedEventMixin, Base):
    __tablename__ = "processed_events"


class Checkpoint(ReplayCheckpointMixin, Base):
    __tablename__ = "replay_checkpoints"


class Counter(Base):
    __tablename__ = "counter"
    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


@pytest.fixture
def sessions(tmp_path):
    factory = session_factory(f"sqlite:///{tmp_path}/batches.db")
    Base.metadata.create_all(factory.kw["bind"])
    return factory


def add_one(session, name):
    counter = session.get(Counter, name) or Counter(name=name, value=0)
    counter.value += 1
    session.add(counter)


def count_city(session, data):
    if data["code"] == "poison":
        raise KeyError("a handler that fails on this one event")
    add_one(session, data["code"])


def changed(session):
    add_one(session, "version")  # stands for the read model's version (projections.changed)


def city(code):
    return make_envelope("municipality_registered", {"code": code, "name": code.title(),
                                                     "region": "Челябинская область", "timezone": "Asia/Yekaterinburg"})


def reader():
    return EventLogReader(Processed, Checkpoint, ["catalog"], {"municipality_registered": count_city},
                          on_change=changed)


def counted(sessions):
    with sessions() as session:
        return {counter.name: counter.value for counter in session.scalars(select(Counter))}


def batch(*envelopes):
    return [Delivery("municipality_registered", envelope, None) for envelope in envelopes]


def test_a_batch_applies_each_event_once_in_one_transaction_with_its_repeats_and_earlier_ones_left_out(sessions):
    a, b, c = city("a"), city("b"), city("c")
    parked = []
    assert reader().apply_batch(sessions, batch(a), lambda *args: parked.append(args)) == 1
    # "a" came before; "b" twice in the same batch (the relay published it again).
    assert reader().apply_batch(sessions, batch(a, b, c, b), lambda *args: parked.append(args)) == 2
    assert counted(sessions) == {"a": 1, "b": 1, "c": 1, "version": 2}  # one version per batch
    assert parked == []
    assert reader().apply_batch(sessions, batch(a, b, c), lambda *args: parked.append(args)) == 0


def test_a_poison_event_in_a_batch_is_parked_and_the_others_take_effect(sessions):
    parked = []
    invalid = {"event_id": "not-an-envelope"}
    events = batch(city("a"), city("poison"), invalid, city("b"))
    assert reader().apply_batch(sessions, events, lambda name, payload, error: parked.append((name, payload))) == 2
    assert counted(sessions) == {"a": 1, "b": 1, "version": 2}  # the batch failed, then one by one
    assert [payload for _, payload in parked] == [events[1].payload, invalid]
    # Parked, not recorded as handled: a corrected event with the same id could still be applied.
    with sessions() as session:
        assert session.get(Processed, events[1].payload["event_id"]) is None


class Message:
    def __init__(self, name):
        self.delivery_info, self.headers = {"routing_key": name}, {"nameko.correlation_id": "request-1"}


class Consumer:
    def __init__(self):
        self.acked, self.requeued = [], []

    def ack_through(self, messages):
        self.acked.extend(messages)

    def requeue_message(self, message):
        self.requeued.append(message)


class Container:
    """Runs the worker at once, as nameko would in a greenthread, and remembers what it was given."""

    def __init__(self, consumer):
        self.consumer, self.workers = consumer, []

    def spawn_worker(self, entrypoint, args, kwargs, handle_result):
        self.workers.append(args[0])
        assert self.consumer.acked == []  # nothing acknowledged before the worker has finished
        handle_result(None, None, None)


def entrypoint(max_events=3, max_wait=0.05):
    batches = EventBatches({"municipality_registered": "catalog"}, max_events=max_events, max_wait=max_wait)
    batches.consumer, batches.arrivals = Consumer(), LightQueue()
    batches.container = Container(batches.consumer)
    return batches


def test_messages_are_collected_up_to_the_batch_size_or_for_the_wait_and_acked_after_the_worker():
    batches = entrypoint(max_events=3)
    messages = [Message("municipality_registered") for _ in range(4)]
    for number, message in enumerate(messages):
        batches.arrived({"n": number}, message)
    full = batches.next_batch()
    assert len(full) == 3
    started = time.monotonic()
    rest = batches.next_batch()  # one message waiting: given after max_wait, not held for more
    assert len(rest) == 1 and time.monotonic() - started < 1
    batches.run(full)
    assert batches.container.workers == [[Delivery("municipality_registered", {"n": n}, "request-1")
                                          for n in range(3)]]
    assert batches.consumer.acked == messages[:3]


class Festivals:
    service_name = "festivals"


FESTIVALS = Festivals()  # extensions keep a weak reference to their container


def bound(extension, method_name):
    instance = extension.bind(FESTIVALS, method_name)
    instance.setup()
    return instance


def declared(queue):
    return (queue.name, queue.exchange.name, queue.exchange.type, queue.routing_key, queue.durable,
            queue.auto_delete, queue.exclusive, queue.queue_arguments)


def test_competing_batches_declare_the_pooled_queues_of_the_per_event_handlers_they_replace():
    """An installation upgraded from one ``on_<event>`` handler per event keeps its durable queues and what
    waits in them (none is left bound to fill up unread), and old and new replicas compete on them."""
    sources = {"practice_approved": "practices", "municipality_registered": "catalog"}
    with config.patch({"AMQP_URI": "memory://"}):  # declared, never connected
        competing = bound(EventBatches(sources, competing=True), "learn")
        # What services/festivals/service.py had: one ``@event_handler(source, name)`` per event.
        handlers = [bound(TolerantEventHandler(source, name), f"on_{name}") for name, source in sources.items()]
    assert sorted(map(declared, competing.queues)) == sorted(declared(handler.queue) for handler in handlers)


def test_a_read_models_batches_take_a_queue_of_their_own_bound_to_every_event():
    sources = {"practice_approved": "practices", "municipality_registered": "catalog"}
    with config.patch({"AMQP_URI": "memory://"}):
        first, second = (bound(EventBatches(sources), "project") for _ in range(2))
    (queue,), (other,) = first.queues, second.queues
    assert queue.exclusive and queue.auto_delete and queue.name != other.name
    assert sorted(item.routing_key for item in queue.bindings) == sorted(sources)
