"""The outbox and once-only handling, without a broker."""
import pytest
from sqlalchemy import Integer, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared import logs, replay
from shared.db import session_factory
from shared.errors import ValidationFailed
from shared.events import make_envelope
from shared.messaging import (
    OutboxMixin,
    ProcessedEventMixin,
    apply_once,
    event_index_after,
    events_after,
    record,
    relay,
)
from shared.replay import EventLogReader, ReplayCheckpointMixin


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    __tablename__ = "outbox"


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
    factory = session_factory(f"sqlite:///{tmp_path}/m.db")
    Base.metadata.create_all(factory.kw["bind"])
    return factory


def city(code):
    return {"code": code, "name": code.title(), "region": "Челябинская область", "timezone": "Asia/Yekaterinburg"}


def store_events(sessions, *codes):
    with sessions.begin() as session:
        for code in codes:
            record(session, Outbox, "municipality_registered", city(code))


def test_an_event_is_stored_only_if_its_change_commits(sessions):
    with pytest.raises(RuntimeError):
        with sessions.begin() as session:
            record(session, Outbox, "municipality_registered", city("kyshtym"))
            raise RuntimeError("the change failed")
    assert relay(sessions, Outbox, lambda *_: None) == 0


def test_recording_an_event_with_a_bad_payload_is_refused(sessions):
    with sessions.begin() as session, pytest.raises(ValidationFailed):
        record(session, Outbox, "municipality_registered", {"code": "x"})


def test_relay_publishes_in_order_and_only_once(sessions):
    store_events(sessions, "a", "b", "c")
    sent = []
    assert relay(sessions, Outbox, lambda name, envelope, _: sent.append(envelope["data"]["code"])) == 3
    assert relay(sessions, Outbox, lambda name, envelope, _: sent.append(envelope["data"]["code"])) == 0
    assert sent == ["a", "b", "c"]


def test_a_batch_the_broker_did_not_confirm_stays_unsent_and_goes_out_again(sessions):
    store_events(sessions, "a", "b")
    sent = []

    def dispatch(name, envelope, _correlation_id):
        sent.append(envelope["data"]["code"])

    def refused():
        raise ConnectionError("the broker went away before confirming")

    dispatch.confirm = refused
    with pytest.raises(ConnectionError):
        relay(sessions, Outbox, dispatch)
    dispatch.confirm = lambda: None
    assert relay(sessions, Outbox, dispatch) == 2
    assert sent == ["a", "b", "a", "b"]


def test_an_event_is_published_with_the_correlation_id_of_the_request_that_recorded_it(sessions):
    token = logs.correlation_id.set("request-1")
    try:
        store_events(sessions, "a")
    finally:
        logs.correlation_id.reset(token)
    store_events(sessions, "b")  # recorded outside any request (a timer, the CLI)
    sent = []
    relay(sessions, Outbox, lambda name, envelope, correlation_id: sent.append(correlation_id))
    assert sent == ["request-1", None]


def test_on_sqlite_the_relay_does_not_hold_the_connection_while_the_broker_confirms(sessions):
    """A service's requests share its one SQLite connection: they must be able to write meanwhile."""
    store_events(sessions, "a", "b")
    sessions.kw["bind"].pool._timeout = 0.5  # a held connection fails the write below at once, not in 60 s

    def write_while_publishing(name, envelope, _correlation_id):
        with sessions.begin() as session:
            session.add(Counter(name=envelope["data"]["code"], value=1))

    assert relay(sessions, Outbox, write_while_publishing) == 2
    with sessions() as session:
        assert session.scalars(select(Counter.name).order_by(Counter.name)).all() == ["a", "b"]
    assert relay(sessions, Outbox, write_while_publishing) == 0


def test_a_relay_that_crashes_mid_batch_publishes_the_whole_batch_again(sessions):
    store_events(sessions, "a", "b", "c")
    sent = []

    def crash_after_first(name, envelope, _correlation_id):
        sent.append(envelope["event_id"])
        if len(sent) == 1:
            raise ConnectionError("broker went away")

    with pytest.raises(ConnectionError):
        relay(sessions, Outbox, crash_after_first)
    relay(sessions, Outbox, lambda name, envelope, _: sent.append(envelope["event_id"]))
    assert len(sent) == 4 and sent[0] == sent[1]


def test_a_repeated_delivery_is_applied_once(sessions):
    envelope = make_envelope("municipality_registered", city("kyshtym"))

    def increment(session, data):
        counter = session.get(Counter, "applied") or Counter(name="applied", value=0)
        counter.value += 1
        session.add(counter)

    assert apply_once(sessions, Processed, "municipality_registered", envelope, increment) is True
    assert apply_once(sessions, Processed, "municipality_registered", envelope, increment) is False
    with sessions() as session:
        assert session.get(Counter, "applied").value == 1


def test_a_malformed_event_is_rejected_before_anything_is_applied(sessions):
    with pytest.raises(ValidationFailed):
        apply_once(sessions, Processed, "municipality_registered",
                   {"event_id": "not-a-uuid", "data": {}}, lambda *_: None)
    with sessions() as session:
        assert session.scalars(select(Processed)).all() == []


def test_the_outbox_is_an_event_log_readable_from_any_position(sessions):
    store_events(sessions, "a", "b", "c")
    with sessions() as session:
        log = events_after(session, Outbox, 0, 10, settle_seconds=0)
        rest = events_after(session, Outbox, log[0][0], 10, settle_seconds=0)
    assert [envelope["data"]["code"] for _, envelope in log] == ["a", "b", "c"]
    assert [envelope["data"]["code"] for _, envelope in rest] == ["b", "c"]


def count_cities(session, data):
    counter = session.get(Counter, data["code"]) or Counter(name=data["code"], value=0)
    counter.value += 1
    session.add(counter)


def counted(sessions):
    with sessions() as session:
        return {counter.name: counter.value for counter in session.scalars(select(Counter))}


class OwnerLog:
    """The owner's side of a catch-up (``replay_index``, ``replay_events``) on the outbox, remembering
    what was asked for."""

    def __init__(self, sessions):
        self.sessions, self.pages, self.bodies = sessions, [], []

    def index(self, source, after, limit):
        self.pages.append(after)
        with self.sessions() as session:
            return event_index_after(session, Outbox, after, limit, settle_seconds=0)

    def events(self, source, after, event_ids):
        self.bodies.append(event_ids)
        with self.sessions() as session:
            return events_after(session, Outbox, after, len(event_ids), event_ids, settle_seconds=0)


def logged(sessions):
    with sessions() as session:
        return events_after(session, Outbox, 0, 100, settle_seconds=0)


def cities_reader():
    return EventLogReader(Processed, Checkpoint, ["catalog"], {"municipality_registered": count_cities})


def test_catching_up_applies_each_logged_event_once_in_pages(sessions, monkeypatch):
    monkeypatch.setattr(replay, "REPLAY_PAGE", 2)
    store_events(sessions, "a", "b", "c", "d", "e")
    log, owner, reader = logged(sessions), OwnerLog(sessions), cities_reader()
    reader.apply(sessions, "municipality_registered", log[2][1])  # "c" came from the broker first
    assert reader.catch_up(sessions, owner.index, owner.events) == 5
    assert reader.catch_up(sessions, owner.index, owner.events) == 0
    assert counted(sessions) == {"a": 1, "b": 1, "c": 1, "d": 1, "e": 1}
    assert owner.pages[:3] == [0, log[1][0], log[3][0]]


def test_catching_up_fetches_the_bodies_only_of_events_handled_here_and_not_applied_yet(sessions):
    store_events(sessions, "a", "b", "c")
    with sessions.begin() as session:  # an event of the same owner that this reader does not handle
        record(session, Outbox, "organization_registered", {"id": 1, "municipality": "a", "name": "Школа №1",
                                                           "kind": "school"})
    store_events(sessions, "d")
    log, owner, reader = logged(sessions), OwnerLog(sessions), cities_reader()
    for _, envelope in log[:2]:  # "a" and "b" came from the broker
        reader.apply(sessions, "municipality_registered", envelope)
    assert reader.catch_up(sessions, owner.index, owner.events) == 5
    assert owner.bodies == [[log[2][1]["event_id"], log[4][1]["event_id"]]]
    assert counted(sessions) == {"a": 1, "b": 1, "c": 1, "d": 1}
    # The checkpoint is past the whole log, the event not handled here included: /health compares them.
    with sessions() as session:
        assert session.get(Checkpoint, "catalog").position == log[-1][0]
    owner.bodies.clear()
    assert reader.catch_up(sessions, owner.index, owner.events) == 0 and owner.bodies == []


def test_the_index_of_the_log_has_every_event_without_its_body_and_bodies_are_given_by_id(sessions):
    store_events(sessions, "a", "b", "c")
    log = logged(sessions)
    with sessions() as session:
        index = event_index_after(session, Outbox, log[0][0], 10, settle_seconds=0)
        chosen = events_after(session, Outbox, 0, 10, [log[2][1]["event_id"], log[0][1]["event_id"]],
                              settle_seconds=0)
    assert index == [[position, envelope["event_id"], "municipality_registered"] for position, envelope in log[1:]]
    assert chosen == [log[0], log[2]]


def test_what_the_broker_applies_while_the_bodies_are_fetched_is_left_out_of_the_page(sessions, monkeypatch):
    store_events(sessions, "a", "b", "c")
    log, owner, reader = logged(sessions), OwnerLog(sessions), cities_reader()

    def bodies_while_a_batch_applies_b(source, after, event_ids):
        apply_once(sessions, Processed, "municipality_registered", log[1][1], count_cities)
        return owner.events(source, after, event_ids)

    one_by_one = []
    monkeypatch.setattr(reader, "apply", lambda *args: one_by_one.append(args))
    reader.catch_up(sessions, owner.index, bodies_while_a_batch_applies_b)
    assert counted(sessions) == {"a": 1, "b": 1, "c": 1}
    assert one_by_one == [], "the page fell back to one transaction per event"


def test_a_broker_delivery_racing_the_replay_does_not_apply_twice(sessions, monkeypatch):
    store_events(sessions, "a", "b", "c")
    log, owner, reader = logged(sessions), OwnerLog(sessions), cities_reader()
    reader.apply(sessions, "municipality_registered", log[1][1])
    # The broker's delivery of "b" commits just after the replay looked for handled events.
    monkeypatch.setattr(reader, "_already_processed", lambda *_: set())
    reader.catch_up(sessions, owner.index, owner.events)
    assert counted(sessions) == {"a": 1, "b": 1, "c": 1}


def test_a_rebuild_while_a_page_is_read_is_not_undone_by_the_checkpoint(sessions):
    store_events(sessions, "a", "b", "c")
    owner, reader = OwnerLog(sessions), cities_reader()
    reader.catch_up(sessions, owner.index, owner.events)

    def emptied_while_reading(source, after, limit):
        with sessions.begin() as session:  # what the gateway's rebuild does: everything read is forgotten
            for table in (Counter, Processed, Checkpoint):
                session.query(table).delete()
        return []

    reader.catch_up(sessions, emptied_while_reading, owner.events)
    # The next catch-up reads the log from its start again, and the rebuilt model has every event.
    assert reader.catch_up(sessions, owner.index, owner.events) == 3
    assert counted(sessions) == {"a": 1, "b": 1, "c": 1}
