"""The registry's rules, through the practices service's entrypoints (nameko.testing, SQLite)."""
from datetime import UTC, datetime, timedelta

import pytest
from nameko.testing.services import worker_factory

from services.practices.service import PracticesService
from shared.auth import Identity
from shared.errors import Conflict, Forbidden, NotFound, ValidationFailed

KYSHTYM = Identity("methodist-kyshtym", "methodist", "kyshtym")
KOPEYSK = Identity("methodist-kopeysk", "methodist", "kopeysk")
REVIEWER = Identity("reviewer-chippkro", "reviewer")
SCHOOL = Identity("school-kyshtym", "school", "kyshtym")
OTHER_SCHOOL = Identity("school-magnitogorsk", "school", "magnitogorsk")
LASER_TRIAL = {"kind": "career_trial", "title": "Оператор лазерного станка", "profession": "Оператор лазерного станка",
               "grades": [8, 9], "duration_hours": 4, "format": "in_person", "profminimum_level": "main",
               "organization": "ЦДЮТТ г. Кыштыма", "summary": "Резка и гравировка на лазерном станке"}


@pytest.fixture
def db(migrated):
    return migrated("practices")


def practices(db, identity):
    return worker_factory(PracticesService, db=db, identity=lambda: identity)


def published_trial(db, **changes):
    entry = practices(db, KYSHTYM).create_entry({**LASER_TRIAL, **changes})
    practices(db, KYSHTYM).transition(entry["id"], "submit", {})
    practices(db, REVIEWER).transition(entry["id"], "approve", {"comment": "Хорошая программа"})
    return entry["id"]


def test_a_methodist_drafts_a_trial_for_their_own_city(db):
    entry = practices(db, KYSHTYM).create_entry(LASER_TRIAL)
    assert (entry["status"], entry["version"], entry["municipality"]) == ("draft", 1, "kyshtym")
    assert entry["revision"] == 1
    assert entry["grades"] == [8, 9] and entry["kind_title"] == "Профессиональная проба"


def test_trial_grades_outside_6_to_11_are_refused_naming_the_field(db):
    with pytest.raises(ValidationFailed) as refused:
        practices(db, KYSHTYM).create_entry({**LASER_TRIAL, "grades": [5, 12]})
    assert set(refused.value.fields) == {"grades"}


def test_an_unknown_kind_is_refused(db):
    with pytest.raises(ValidationFailed) as refused:
        practices(db, KYSHTYM).create_entry({**LASER_TRIAL, "kind": "poem"})
    assert "kind" in refused.value.fields


def test_methodist_cannot_edit_other_city_entry(db):
    entry = practices(db, KYSHTYM).create_entry(LASER_TRIAL)
    with pytest.raises(Forbidden):
        practices(db, KOPEYSK).edit_entry(entry["id"], {"title": "Чужая правка"})
    with pytest.raises(Forbidden):
        practices(db, KOPEYSK).transition(entry["id"], "submit", {})


def test_reviewer_cannot_approve_a_draft(db):
    entry = practices(db, KYSHTYM).create_entry(LASER_TRIAL)
    with pytest.raises(Conflict):
        practices(db, REVIEWER).transition(entry["id"], "approve", {})


def test_methodist_cannot_approve_even_own_city_entry(db):
    entry = practices(db, KYSHTYM).create_entry(LASER_TRIAL)
    practices(db, KYSHTYM).transition(entry["id"], "submit", {})
    with pytest.raises(Forbidden):
        practices(db, KYSHTYM).transition(entry["id"], "approve", {})


def test_nobody_reviews_an_entry_of_their_own(db):
    author_as_reviewer = Identity("methodist-kyshtym", "reviewer")
    entry = practices(db, KYSHTYM).create_entry(LASER_TRIAL)
    practices(db, KYSHTYM).transition(entry["id"], "submit", {})
    with pytest.raises(Forbidden):
        practices(db, author_as_reviewer).transition(entry["id"], "approve", {})


@pytest.mark.parametrize("action", ["request-changes", "reject"])
def test_request_changes_and_reject_need_a_comment(db, action):
    entry = practices(db, KYSHTYM).create_entry(LASER_TRIAL)
    practices(db, KYSHTYM).transition(entry["id"], "submit", {})
    with pytest.raises(ValidationFailed) as refused:
        practices(db, REVIEWER).transition(entry["id"], action, {"comment": "  "})
    assert "comment" in refused.value.fields


def test_changes_requested_then_resubmitted_then_approved_is_published(db):
    entry_id = practices(db, KYSHTYM).create_entry(LASER_TRIAL)["id"]
    practices(db, KYSHTYM).transition(entry_id, "submit", {})
    practices(db, REVIEWER).transition(entry_id, "request-changes", {"comment": "Добавьте технику безопасности"})
    practices(db, KYSHTYM).edit_entry(entry_id, {"summary": "Резка, гравировка, техника безопасности"})
    practices(db, KYSHTYM).transition(entry_id, "submit", {})
    approved = practices(db, REVIEWER).transition(entry_id, "approve", {})
    assert approved["status"] == "approved" and approved["published_version"] == 1
    assert practices(db, None).get_entry(entry_id)["summary"] == "Резка, гравировка, техника безопасности"


def test_drafts_are_invisible_to_guests_and_other_cities(db):
    entry = practices(db, KYSHTYM).create_entry(LASER_TRIAL)
    with pytest.raises(NotFound):
        practices(db, None).get_entry(entry["id"])
    with pytest.raises(NotFound):
        practices(db, KOPEYSK).get_entry(entry["id"])
    assert practices(db, REVIEWER).get_entry(entry["id"])["status"] == "draft"


def test_editing_a_published_entry_makes_a_new_version_while_the_old_stays_public(db):
    entry_id = published_trial(db)
    edited = practices(db, KYSHTYM).edit_entry(entry_id, {"title": "Оператор лазерного станка (2-я редакция)"})
    assert (edited["status"], edited["version"], edited["published_version"]) == ("draft", 2, 1)
    public = practices(db, None).get_entry(entry_id)
    assert (public["title"], public["version"], public["status"]) == ("Оператор лазерного станка", 1, "approved")
    practices(db, KYSHTYM).transition(entry_id, "submit", {})
    practices(db, REVIEWER).transition(entry_id, "approve", {})
    assert practices(db, None).get_entry(entry_id)["title"] == "Оператор лазерного станка (2-я редакция)"


def test_history_records_who_when_from_to_and_why_for_the_authors_city(db):
    entry_id = published_trial(db)
    history = practices(db, KYSHTYM).history(entry_id)
    assert [(h["action"], h["from"], h["to"], h["who"]) for h in history] == [
        ("created", None, "draft", "methodist-kyshtym"),
        ("submitted", "draft", "submitted", "methodist-kyshtym"),
        ("approved", "submitted", "approved", "reviewer-chippkro"),
    ]
    assert history[-1]["comment"] == "Хорошая программа" and history[-1]["when"]
    assert practices(db, REVIEWER).history(entry_id) == history


@pytest.mark.parametrize("reader", [None, KOPEYSK, SCHOOL], ids=["guest", "other city", "school"])
def test_the_public_history_says_what_was_published_and_when_without_the_review(db, reader):
    entry_id = published_trial(db)
    practices(db, KYSHTYM).edit_entry(entry_id, {"title": "Вторая редакция"})
    practices(db, KYSHTYM).transition(entry_id, "submit", {})
    practices(db, REVIEWER).transition(entry_id, "request-changes", {"comment": "Уточните оборудование"})
    history = practices(db, reader).history(entry_id)
    assert [(h["action"], h["version"], h["to"], h["who"], h["comment"]) for h in history] == [
        ("approved", 1, "approved", None, "")]
    assert history[0]["when"]


def test_a_reviewer_never_decides_on_an_entry_of_their_own_city(db):
    own_city = Identity("reviewer-kyshtym", "reviewer", "kyshtym")
    other_city = Identity("reviewer-kopeysk", "reviewer", "kopeysk")
    entry = practices(db, KYSHTYM).create_entry(LASER_TRIAL)
    practices(db, KYSHTYM).transition(entry["id"], "submit", {})
    for action, data in (("approve", {}), ("request-changes", {"comment": "Нет"}), ("reject", {"comment": "Нет"})):
        with pytest.raises(Forbidden) as refused:
            practices(db, own_city).transition(entry["id"], action, data)
        assert "своего муниципалитета" in refused.value.message
    bulk = practices(db, own_city).transition_many("approve", {"ids": [entry["id"]]})
    assert "своего муниципалитета" in bulk["failed"][str(entry["id"])]
    assert practices(db, other_city).transition(entry["id"], "approve", {})["status"] == "approved"


def test_review_queue_lists_submissions_of_every_city_oldest_first(db):
    first = practices(db, KYSHTYM).create_entry(LASER_TRIAL)["id"]
    second = practices(db, KOPEYSK).create_entry({**LASER_TRIAL, "title": "Швея"})["id"]
    practices(db, KYSHTYM).transition(first, "submit", {})
    practices(db, KOPEYSK).transition(second, "submit", {})
    queue = practices(db, REVIEWER).review_queue({})
    assert [item["id"] for item in queue["items"]] == [first, second] and queue["total"] == 2
    with pytest.raises(Forbidden):
        practices(db, KYSHTYM).review_queue({})


def test_a_withdrawn_entry_is_no_longer_public(db):
    entry_id = published_trial(db)
    practices(db, KYSHTYM).transition(entry_id, "withdraw", {})
    with pytest.raises(NotFound):
        practices(db, None).get_entry(entry_id)


def schedule(db, entry_id, capacity=10, days=7):
    start = datetime.now(UTC) + timedelta(days=days)
    return practices(db, KYSHTYM).schedule_session(entry_id, {
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=4)).isoformat(),
        "capacity": capacity, "place": "ЦДЮТТ, каб. 12"})


def test_a_session_must_end_after_it_starts(db):
    entry_id = published_trial(db)
    start = datetime.now(UTC) + timedelta(days=3)
    with pytest.raises(ValidationFailed) as refused:
        practices(db, KYSHTYM).schedule_session(entry_id, {
            "starts_at": start.isoformat(), "ends_at": start.isoformat(), "capacity": 5})
    assert "ends_at" in refused.value.fields


def test_bookings_take_seats_until_full_then_409(db):
    entry_id = published_trial(db)
    session_id = schedule(db, entry_id, capacity=10)["id"]
    school = practices(db, SCHOOL)
    assert school.book(session_id, {"pupils": 7, "grade": 8})["status"] == "confirmed"
    with pytest.raises(Conflict) as full:
        school.book(session_id, {"pupils": 4, "grade": 8})
    assert "3" in full.value.message
    assert practices(db, None).list_sessions(entry_id)[0]["seats_left"] == 3


def test_a_grade_the_trial_is_not_for_is_refused(db):
    session_id = schedule(db, published_trial(db))["id"]
    with pytest.raises(ValidationFailed) as refused:
        practices(db, SCHOOL).book(session_id, {"pupils": 2, "grade": 6})
    assert "grade" in refused.value.fields


def test_a_cancellation_promotes_the_first_in_line_from_the_waitlist(db):
    session_id = schedule(db, published_trial(db), capacity=10)["id"]
    first = practices(db, SCHOOL).book(session_id, {"pupils": 10, "grade": 9})
    waiting = practices(db, OTHER_SCHOOL).book(session_id, {"pupils": 6, "grade": 9, "waitlist": True})
    assert waiting["status"] == "waitlisted" and waiting["session"]["seats_left"] == 0
    with pytest.raises(Forbidden):
        practices(db, OTHER_SCHOOL).cancel_booking(first["id"])
    practices(db, SCHOOL).cancel_booking(first["id"])
    mine = practices(db, OTHER_SCHOOL).list_bookings({})["items"]
    assert [(b["id"], b["status"]) for b in mine] == [(waiting["id"], "confirmed")]
    assert mine[0]["session"]["seats_left"] == 4


def test_a_methodist_sees_bookings_of_their_city_sessions(db):
    session_id = schedule(db, published_trial(db))["id"]
    practices(db, SCHOOL).book(session_id, {"pupils": 3, "grade": 9, "contact": "8-900-000-00-00"})
    assert practices(db, KYSHTYM).list_bookings({})["total"] == 1
    assert practices(db, KOPEYSK).list_bookings({})["total"] == 0


def test_contacts_of_bookings_are_for_the_sessions_city_the_school_and_admins_not_reviewers(db):
    session_id = schedule(db, published_trial(db))["id"]
    practices(db, SCHOOL).book(session_id, {"pupils": 3, "grade": 9, "contact": "8-900-000-00-00"})
    for reader in (KYSHTYM, SCHOOL, Identity("admin", "admin")):
        assert [b["contact"] for b in practices(db, reader).list_bookings({})["items"]] == ["8-900-000-00-00"]
    seen_by_reviewer = practices(db, REVIEWER).list_bookings({})["items"]
    assert [(b["pupils"], b["contact"]) for b in seen_by_reviewer] == [(3, None)]


def test_a_reviewer_approves_a_selection_and_learns_which_could_not_move(db):
    submitted = practices(db, KYSHTYM).create_entry(LASER_TRIAL)["id"]
    practices(db, KYSHTYM).transition(submitted, "submit", {})
    still_draft = practices(db, KYSHTYM).create_entry(LASER_TRIAL)["id"]
    result = practices(db, REVIEWER).transition_many("approve", {"ids": [submitted, still_draft, 999]})
    assert result["done"] == [submitted]
    assert set(result["failed"]) == {str(still_draft), "999"}
    assert practices(db, None).get_entry(submitted)["status"] == "approved"
