"""Every write endpoint × every role × own city / other city → the status the caller gets.

The objects acted on belong to Кыштым: «own city» is a Кыштым methodist or school, «other city» one of
Копейск or Магнитогорск. Each case arranges a fresh object of its own (a draft, a submitted entry, a
festival…), so a case that succeeds changes nothing another case relies on. Runs on SQLite only: the
rules live in the services' code, not in the database.
"""
from datetime import UTC, datetime, timedelta

import pytest
import requests

from application.running import eventually
from services.gateway.spreadsheets import template

ANONYMOUS, OWN_METHODIST, OTHER_METHODIST, OWN_SCHOOL, OTHER_SCHOOL, REVIEWER, OWN_REVIEWER, ADMIN = (
    "anonymous", "methodist-own-city", "methodist-other-city", "school-own-city", "school-other-city",
    "reviewer", "reviewer-own-city", "admin")
PRINCIPALS = (ANONYMOUS, OWN_METHODIST, OTHER_METHODIST, OWN_SCHOOL, OTHER_SCHOOL, REVIEWER, OWN_REVIEWER, ADMIN)
USERNAMES = {OWN_METHODIST: "methodist-kyshtym", OTHER_METHODIST: "methodist-kopeysk", OWN_SCHOOL: "school-kyshtym",
             OTHER_SCHOOL: "school-magnitogorsk", REVIEWER: "reviewer-chippkro",
             OWN_REVIEWER: "reviewer-kyshtym-matrix", ADMIN: "admin"}
# The demo network has no Кыштым reviewer: the matrix's own is made by the admin (a strong password).
OWN_REVIEWER_PASSWORD = "matrix-reviewer-2026"

BEST_PRACTICE = {"kind": "best_practice", "title": "Практика для матрицы прав", "summary": "Проверка прав"}
TRIAL = {"kind": "career_trial", "title": "Профпроба для матрицы прав", "profession": "Сварщик", "grades": [9],
         "duration_hours": 2, "format": "in_person", "profminimum_level": "basic", "organization": "ЦДЮТТ"}
FESTIVAL = {"title": "Фестиваль для матрицы прав", "kind": "festival", "starts_on": "2027-04-10",
            "ends_on": "2027-04-11", "nominations": [{"title": "Техсалон"}]}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Entries are taken while a call is open (the deadline far enough ahead for any run of the suite).
OPEN_CALL = {"deadline": (datetime.now(UTC) + timedelta(days=30)).isoformat()}


class Kyshtym:
    """Arranges objects of Кыштым through the API, as their rightful owners."""

    def __init__(self, network):
        self.network = network
        self.tokens = {}
        self._published = self._session = None

    def token(self, principal):
        """A token of the matrix's own (sign-out cases revoke fresh ones, never these)."""
        if principal not in self.tokens:
            self.tokens[principal] = self.sign_in(principal)
        return self.tokens[principal]

    def sign_in(self, principal):
        password = OWN_REVIEWER_PASSWORD if principal == OWN_REVIEWER else "demo"
        response = requests.post(self.network.url("/api/v1/auth/token"), timeout=30,
                                 json={"username": USERNAMES[principal], "password": password})
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    def call(self, principal, method, path, token=None, **kwargs):
        headers = {}
        if principal != ANONYMOUS:
            headers["Authorization"] = "Bearer " + (token or self.token(principal))
        return requests.request(method, self.network.url(path), headers=headers, timeout=30, **kwargs)

    def made(self, principal, method, path, **kwargs):
        response = self.call(principal, method, path, **kwargs)
        assert response.status_code in (200, 201), response.text
        return response.json()

    def draft(self, entry=BEST_PRACTICE):
        return self.made(OWN_METHODIST, "POST", "/api/v1/practices", json=entry)["id"]

    def submitted(self):
        entry_id = self.draft()
        self.made(OWN_METHODIST, "POST", f"/api/v1/practices/{entry_id}/submit")
        return entry_id

    def published(self, entry=BEST_PRACTICE):
        entry_id = self.submitted() if entry is BEST_PRACTICE else self._submit(self.draft(entry))
        self.made(REVIEWER, "POST", f"/api/v1/practices/{entry_id}/approve", json={"comment": "Одобрено"})
        return entry_id

    def _submit(self, entry_id):
        self.made(OWN_METHODIST, "POST", f"/api/v1/practices/{entry_id}/submit")
        return entry_id

    def published_practice(self):
        """One published practice shared by the cases that only point at it; festivals know it."""
        if self._published is None:
            self._published = self.published()
            self.entry_into(self.festival(), self._published, must_succeed=True)
        return self._published

    def trial_session(self):
        """One session of a published trial, shared by bookings (it has seats for all of them)."""
        if self._session is None:
            trial = self.published(TRIAL)
            starts = datetime.now(UTC) + timedelta(days=20)
            self._session = self.made(OWN_METHODIST, "POST", f"/api/v1/practices/{trial}/sessions", json={
                "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
                "capacity": 1000})["id"]
        return self._session

    def booking(self):
        return self.made(OWN_SCHOOL, "POST", f"/api/v1/sessions/{self.trial_session()}/bookings",
                         json={"pupils": 1, "grade": 9})["id"]

    def festival(self):
        """A city festival with its call for entries open."""
        festival_id = self.made(OWN_METHODIST, "POST", "/api/v1/festivals", json=FESTIVAL)["id"]
        self.made(OWN_METHODIST, "POST", f"/api/v1/festivals/{festival_id}/call", json=OPEN_CALL)
        return festival_id

    def regional_festival(self):
        """A festival of the region, organised by the ЧИППКРО reviewer, its call for entries open."""
        festival_id = self.made(REVIEWER, "POST", "/api/v1/festivals", json=FESTIVAL)["id"]
        self.made(REVIEWER, "POST", f"/api/v1/festivals/{festival_id}/call", json=OPEN_CALL)
        return festival_id

    def account(self):
        return self.made(ADMIN, "POST", "/api/v1/accounts", json={
            "username": f"matrix-{next(ACCOUNT_NUMBERS)}", "password": "long-enough", "role": "school",
            "municipality": "kyshtym", "full_name": "Школа для матрицы прав"})["username"]

    def entry_into(self, festival_id, practice_id, must_succeed=False):
        """Festivals learn of a publication by event: the first entry waits for it."""
        def enter():
            response = self.call(OWN_METHODIST, "POST", f"/api/v1/festivals/{festival_id}/entries",
                                 json={"practice_id": practice_id, "nomination": "Техсалон"})
            return response.status_code == 201
        assert eventually(enter, timeout=15) or not must_succeed


def bulk_outcome(response):
    """A bulk action answers 200 and lists refusals per entry: an entry refused counts as 403."""
    if response.status_code == 200 and response.json()["failed"]:
        return 403
    return response.status_code


def transition(action, arrange, comment=""):
    return lambda k: ("POST", f"/api/v1/practices/{arrange(k)}/{action}", {"json": {"comment": comment}})


def festival_op(method, suffix, body, arrange=Kyshtym.festival):
    return lambda k: (method, f"/api/v1/festivals/{arrange(k)}{suffix}", {"json": body})


PROGRAMME_ITEM = {"title": "Открытие", "starts_at": "2027-04-10T10:00:00+05:00", "ends_at": "2027-04-10T11:00:00+05:00"}
DENIED_BUT_OWN_METHODIST = {OWN_METHODIST: 200}
CITY_ORGANISERS = {OWN_METHODIST: 200, ADMIN: 200}  # a city festival: its methodists, or an admin
REGIONAL_ORGANISERS = {REVIEWER: 200, ADMIN: 200}  # a regional festival: the account that made it, or an admin

# endpoint: (request for a fresh target, {principal: status}; principals not named get the default)
MATRIX = {
    "create practice": (lambda k: ("POST", "/api/v1/practices", {"json": BEST_PRACTICE}),
                        {OWN_METHODIST: 201, OTHER_METHODIST: 201}),
    "edit practice": (lambda k: ("PATCH", f"/api/v1/practices/{k.draft()}", {"json": {"title": "Новое название"}}),
                      DENIED_BUT_OWN_METHODIST),
    "submit": (transition("submit", Kyshtym.draft), DENIED_BUT_OWN_METHODIST),
    "withdraw": (transition("withdraw", Kyshtym.submitted), DENIED_BUT_OWN_METHODIST),
    "archive": (transition("archive", Kyshtym.draft), DENIED_BUT_OWN_METHODIST),
    "approve": (transition("approve", Kyshtym.submitted, "Одобрено"), {REVIEWER: 200}),
    "request changes": (transition("request-changes", Kyshtym.submitted, "Уточните цель"), {REVIEWER: 200}),
    "reject": (transition("reject", Kyshtym.submitted, "Не подходит"), {REVIEWER: 200}),
    "bulk submit": (lambda k: ("POST", "/api/v1/practices/bulk/submit", {"json": {"ids": [k.draft()]}}),
                    DENIED_BUT_OWN_METHODIST),
    "bulk approve": (lambda k: ("POST", "/api/v1/practices/bulk/approve", {"json": {"ids": [k.submitted()]}}),
                     {REVIEWER: 200}),
    "import (dry run)": (lambda k: ("POST", "/api/v1/practices/import?dry_run=true",
                                    {"files": {"file": ("spisok.xlsx", template(), XLSX)}}),
                         {OWN_METHODIST: 200, OTHER_METHODIST: 200}),
    "schedule session": (lambda k: ("POST", f"/api/v1/practices/{k.published(TRIAL)}/sessions", {"json": {
        "starts_at": "2027-05-10T10:00:00+05:00", "ends_at": "2027-05-10T12:00:00+05:00", "capacity": 5}}),
                         {OWN_METHODIST: 201}),
    "book": (lambda k: ("POST", f"/api/v1/sessions/{k.trial_session()}/bookings", {"json": {"pupils": 1, "grade": 9}}),
             {OWN_SCHOOL: 201, OTHER_SCHOOL: 201}),
    "cancel booking": (lambda k: ("DELETE", f"/api/v1/bookings/{k.booking()}", {}),
                       {OWN_METHODIST: 200, OWN_SCHOOL: 200, ADMIN: 200}),
    "create festival": (lambda k: ("POST", "/api/v1/festivals", {"json": FESTIVAL}),
                        {OWN_METHODIST: 201, OTHER_METHODIST: 201, REVIEWER: 201, OWN_REVIEWER: 201}),
    "change festival": (festival_op("PATCH", "", {"place": "Кыштым, ДК"}), CITY_ORGANISERS),
    "cancel festival": (festival_op("POST", "/cancel", {}), CITY_ORGANISERS),
    "change regional festival": (festival_op("PATCH", "", {"place": "Челябинск"}, Kyshtym.regional_festival),
                                 REGIONAL_ORGANISERS),
    "cancel regional festival": (festival_op("POST", "/cancel", {}, Kyshtym.regional_festival), REGIONAL_ORGANISERS),
    "regional festival results": (festival_op("POST", "/results", {"results": [
        {"nomination": "Техсалон", "places": []}]}, Kyshtym.regional_festival), REGIONAL_ORGANISERS),
    "add nomination": (festival_op("POST", "/nominations", {"title": "Новая номинация"}),
                       {OWN_METHODIST: 201, ADMIN: 201}),
    "add programme item": (festival_op("POST", "/programme", PROGRAMME_ITEM), {OWN_METHODIST: 201, ADMIN: 201}),
    "enter practice": (lambda k: ("POST", f"/api/v1/festivals/{k.festival()}/entries", {"json": {
        "practice_id": k.published_practice(), "nomination": "Техсалон"}}), {OWN_METHODIST: 201}),
    "announce results": (festival_op("POST", "/results", {"results": [{"nomination": "Техсалон", "places": []}]}),
                         CITY_ORGANISERS),
    "share resource": (lambda k: ("POST", "/api/v1/resources", {"json": {
        "title": "Видео занятия", "url": "https://example.org/video", "practice_id": k.published_practice()}}),
                       {OWN_METHODIST: 201}),
    "request collection": (lambda k: ("POST", "/api/v1/collections", {"json": {
        "title": "Сборник Кыштыма", "municipality": "kyshtym"}}),
                           {OWN_METHODIST: 202, OTHER_METHODIST: 202, REVIEWER: 202, OWN_REVIEWER: 202, ADMIN: 202}),
    "create account": (lambda k: ("POST", "/api/v1/accounts", {"json": {
        "username": f"matrix-{next(ACCOUNT_NUMBERS)}", "password": "long-enough", "role": "school",
        "municipality": "kyshtym"}}), {ADMIN: 201}),
    "disable account": (lambda k: ("POST", f"/api/v1/accounts/{k.account()}/disable", {}), {ADMIN: 200}),
    "enable account": (lambda k: ("POST", f"/api/v1/accounts/{k.account()}/enable", {}), {ADMIN: 200}),
    "one-time code": (lambda k: ("POST", f"/api/v1/accounts/{k.account()}/password-reset", {"json": {"kind": "code"}}),
                      {ADMIN: 201}),
    "add organisation": (lambda k: ("POST", "/api/v1/organizations", {"json": {
        "municipality": "kyshtym", "name": f"Школа матрицы №{next(ACCOUNT_NUMBERS)}", "kind": "school"}}),
                         {ADMIN: 201}),
    # Everyone signed in may change their own password; a wrong current one is refused (403).
    "change password (wrong current)": (lambda k: ("POST", "/api/v1/auth/password", {"json": {
        "current_password": "not-the-password", "new_password": "a-new-password-2026"}}), {}),
}
ACCOUNT_NUMBERS = iter(range(1, 10_000))
SIGNED_IN_DEFAULT, ANONYMOUS_DEFAULT = 403, 401


def expected(endpoint, principal):
    allowed = MATRIX[endpoint][1]
    if principal in allowed:
        return allowed[principal]
    return ANONYMOUS_DEFAULT if principal == ANONYMOUS else SIGNED_IN_DEFAULT


pytestmark = pytest.mark.parametrize("network", ["sqlite"], indirect=True)


@pytest.fixture(scope="module")
def kyshtym(network):
    created = network.api("POST", "/api/v1/accounts", user="admin", json={
        "username": USERNAMES[OWN_REVIEWER], "password": OWN_REVIEWER_PASSWORD, "role": "reviewer",
        "municipality": "kyshtym", "full_name": "Эксперт из Кыштыма", "position": "эксперт"})
    assert created.status_code in (201, 409), created.text
    return Kyshtym(network)


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("endpoint", list(MATRIX))
def test_write_endpoint_answers_each_role_as_the_rules_say(kyshtym, endpoint, principal):
    method, path, kwargs = MATRIX[endpoint][0](kyshtym)
    response = kyshtym.call(principal, method, path, **kwargs)
    status = bulk_outcome(response) if "/bulk/" in path else response.status_code
    assert status == expected(endpoint, principal), response.text


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_signing_out_needs_a_token_of_ones_own(kyshtym, principal):
    token = kyshtym.sign_in(principal) if principal != ANONYMOUS else None
    response = kyshtym.call(principal, "POST", "/api/v1/auth/sign-out", token=token)
    assert response.status_code == (401 if principal == ANONYMOUS else 204)
