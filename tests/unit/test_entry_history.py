"""The public history of an entry, read from its projected practice_* events: what the practices service
shows everyone outside the entry's city (services/practices/review.py ``history``)."""
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.gateway import entry_history
from services.gateway.models import EntryHistoryLine
from shared.db import session_factory

START = datetime(2026, 12, 1, 5, tzinfo=UTC)


@pytest.fixture
def sessions(tmp_path):
    factory = session_factory(f"sqlite:///{tmp_path}/read.db")
    EntryHistoryLine.__table__.create(factory.kw["bind"])
    yield factory
    factory.kw["bind"].dispose()


def project(sessions, changes, entry_id=1, order=None):
    """``changes`` = [(action, status, version)], a minute apart; projected in ``order`` (indexes)."""
    envelopes = [({"id": entry_id, "status": status, "version": version},
                  {"event_id": str(uuid.uuid4()), "event_type": f"practice_{action}",
                   "occurred_at": (START + timedelta(minutes=number)).isoformat()})
                 for number, (action, status, version) in enumerate(changes)]
    with sessions.begin() as session:
        for number in order or range(len(envelopes)):
            entry_history.entry_changed(session, *envelopes[number])
            entry_history.entry_changed(session, *envelopes[number])  # a repeated delivery changes nothing


def shown(sessions, entry_id=1):
    with sessions() as session:
        return [(line["action"], line["version"], line["from"]) for line in
                entry_history.public_history(session, entry_id)]


LIFE = [("created", "draft", 1), ("submitted", "submitted", 1), ("approved", "approved", 1),
        ("edited", "draft", 2), ("submitted", "submitted", 2), ("withdrawn", "draft", 2),  # back from review
        ("archived", "archived", 2)]


def test_only_publications_and_removals_of_a_published_entry_are_public(sessions):
    project(sessions, LIFE)
    # The archiving came from a draft (the withdrawn second round): not a public line, as in the service.
    assert shown(sessions) == [("approved", 1, "submitted")]


def test_withdrawing_a_published_entry_is_public_and_lines_arriving_out_of_order_are_ordered(sessions):
    changes = [("created", "draft", 1), ("submitted", "submitted", 1), ("approved", "approved", 1),
               ("withdrawn", "withdrawn", 1), ("archived", "archived", 1)]
    project(sessions, changes, order=[4, 2, 0, 3, 1])
    assert shown(sessions) == [("approved", 1, "submitted"), ("withdrawn", 1, "approved")]
    with sessions() as session:
        line = entry_history.public_history(session, 1)[0]
    assert line == {"version": 1, "action": "approved", "from": "submitted", "to": "approved", "who": None,
                    "when": (START + timedelta(minutes=2)).isoformat(), "comment": ""}


def test_archiving_a_published_entry_is_public_and_other_entries_do_not_mix_in(sessions):
    project(sessions, [("created", "draft", 1), ("submitted", "submitted", 1), ("approved", "approved", 1),
                       ("archived", "archived", 1)])
    project(sessions, LIFE, entry_id=2)
    assert shown(sessions) == [("approved", 1, "submitted"), ("archived", 1, "approved")]
    assert shown(sessions, entry_id=3) == []
