"""Adoption lineage in the practices service: who may adopt what, the linked draft, the results report."""
from datetime import UTC, datetime, timedelta

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import select

from services.practices.adoption import request_due_reports
from services.practices.models import PracticesOutbox
from services.practices.service import PracticesService
from shared.auth import Identity
from shared.errors import Conflict, Forbidden, NotFound, ValidationFailed

MAGNITOGORSK = Identity("methodist-magnitogorsk", "methodist", "magnitogorsk")
KOPEYSK = Identity("methodist-kopeysk", "methodist", "kopeysk")
REVIEWER = Identity("reviewer-chippkro", "reviewer")
SCHOOL = Identity("school-kyshtym", "school", "kyshtym")
PRACTICE = {"kind": "best_practice", "title": "Школьный технопарк выходного дня",
            "summary": "Субботние занятия на оборудовании технопарка", "organization": "Лицей № 1"}
WHY = {"changes": "Занятия по средам вместо суббот", "reason": "В субботу у нас работают кружки"}


@pytest.fixture
def db(migrated):
    return migrated("practices")


def practices(db, identity):
    return worker_factory(PracticesService, db=db, identity=lambda: identity)


def published(db):
    entry = practices(db, MAGNITOGORSK).create_entry(PRACTICE)
    practices(db, MAGNITOGORSK).transition(entry["id"], "submit", {})
    practices(db, REVIEWER).transition(entry["id"], "approve", {"comment": "Одобрено"})
    return entry["id"]


def events(db, name):
    with db() as session:
        rows = session.scalars(select(PracticesOutbox).where(PracticesOutbox.event_type == name)).all()
        return [row.envelope["data"] for row in rows]


def test_another_city_adopts_a_published_practice_as_a_linked_draft_of_its_own(db):
    original_id = published(db)
    adoption = practices(db, KOPEYSK).adopt_entry(original_id, WHY)
    assert (adoption["original_entry_id"], adoption["original_version"]) == (original_id, 1)
    assert (adoption["original_municipality"], adoption["adopter_municipality"]) == ("magnitogorsk", "kopeysk")
    assert adoption["original_title"] == PRACTICE["title"]
    # The answer is the new draft, as API.md has it: its own id, city and status, and what it is based on.
    assert (adoption["id"], adoption["municipality"], adoption["status"], adoption["version"]) == (
        adoption["adaptation_entry_id"], "kopeysk", "draft", 1)
    assert adoption["based_on"] == {"id": original_id, "version": 1, "municipality": "magnitogorsk"}
    adaptation = practices(db, KOPEYSK).get_entry(adoption["adaptation_entry_id"])
    assert (adaptation["municipality"], adaptation["status"]) == ("kopeysk", "draft")
    assert adaptation["title"] == PRACTICE["title"] and adaptation["organization"] == "Лицей № 1"
    due = datetime.fromisoformat(adoption["report_due_at"]) - datetime.fromisoformat(adoption["adopted_at"])
    assert due == timedelta(days=182)
    [announced] = events(db, "practice_adopted")
    assert announced["id"] == adoption["adoption_id"] and announced["actor"] == "methodist-kopeysk"


def test_only_a_methodist_of_another_city_adopts_and_only_once(db):
    original_id = published(db)
    with pytest.raises(Conflict):  # API.md: one's own city → 409
        practices(db, MAGNITOGORSK).adopt_entry(original_id, WHY)
    for outsider in (REVIEWER, SCHOOL):
        with pytest.raises(Forbidden):
            practices(db, outsider).adopt_entry(original_id, WHY)
    practices(db, KOPEYSK).adopt_entry(original_id, WHY)
    with pytest.raises(Conflict):
        practices(db, KOPEYSK).adopt_entry(original_id, WHY)
    assert len(events(db, "practice_adopted")) == 1


def test_an_unpublished_entry_cannot_be_adopted(db):
    draft = practices(db, MAGNITOGORSK).create_entry(PRACTICE)
    with pytest.raises(NotFound):  # another city's draft is not even visible to them
        practices(db, KOPEYSK).adopt_entry(draft["id"], WHY)


def test_adoption_needs_what_changed_and_the_reason_may_be_left_out(db):
    original_id = published(db)
    with pytest.raises(ValidationFailed) as refused:
        practices(db, KOPEYSK).adopt_entry(original_id, {"changes": ""})
    assert set(refused.value.fields) == {"changes"}
    adopted = practices(db, KOPEYSK).adopt_entry(original_id, {"changes": "Занятия по средам"})
    assert (adopted["changes"], adopted["reason"]) == ("Занятия по средам", "")


def test_the_report_is_asked_for_once_when_due_and_given_by_the_adopter_only(db):
    adoption = practices(db, KOPEYSK).adopt_entry(published(db), WHY)
    due = datetime.fromisoformat(adoption["report_due_at"])
    with db.begin() as session:
        assert request_due_reports(session, due - timedelta(days=1)) == []
    with db.begin() as session:
        assert request_due_reports(session, due) == [adoption["adoption_id"]]
    with db.begin() as session:
        assert request_due_reports(session, due + timedelta(days=30)) == []
    [asked] = events(db, "adoption_report_due")
    assert asked["adopter_municipality"] == "kopeysk" and asked["report_requested_at"]

    with pytest.raises(Forbidden):
        practices(db, MAGNITOGORSK).report_adoption_results(adoption["adoption_id"], {"text": "Чужой отчёт"})
    reported = practices(db, KOPEYSK).report_adoption_results(adoption["adoption_id"], {"text": "Пришли 40 учеников"})
    assert reported["report_text"] == "Пришли 40 учеников" and reported["reported_by"] == "methodist-kopeysk"
    with pytest.raises(Conflict):
        practices(db, KOPEYSK).report_adoption_results(adoption["adoption_id"], {"text": "Ещё раз"})
    assert [e["report_text"] for e in events(db, "adoption_reported")] == ["Пришли 40 учеников"]


def test_a_report_given_early_is_not_asked_for(db):
    adoption = practices(db, KOPEYSK).adopt_entry(published(db), WHY)
    practices(db, KOPEYSK).report_adoption_results(adoption["adoption_id"], {"text": "Уже видно: работает"})
    with db.begin() as session:
        assert request_due_reports(session, datetime.now(UTC) + timedelta(days=400)) == []
