"""The outbox and once-only handling, without a broker."""
import pytest
from sqlalchemy import Integer, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import session_factory
from shared.errors import ValidationFailed
from shared.events import make_envelope
from shared.messaging import OutboxMixin, ProcessedEventMixin, apply_once, events_after, record, relay


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    __tablename__ = "outbox"


class Processed(ProcessedEventMixin, Base):
    __tablename__ = "processed_events"


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
    assert relay(sessions, Outbox, lambda name, envelope: sent.append(envelope["data"]["code"])) == 3
    assert relay(sessions, Outbox, lambda name, envelope: sent.append(envelope["data"]["code"])) == 0
    assert sent == ["a", "b", "c"]


def test_a_relay_that_crashes_mid_batch_publishes_the_whole_batch_again(sessions):
    store_events(sessions, "a", "b", "c")
    sent = []

    def crash_after_first(name, envelope):
        sent.append(envelope["event_id"])
        if len(sent) == 1:
            raise ConnectionError("broker went away")

    with pytest.raises(ConnectionError):
        relay(sessions, Outbox, crash_after_first)
    relay(sessions, Outbox, lambda name, envelope: sent.append(envelope["event_id"]))
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
