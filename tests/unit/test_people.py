"""The directory of people: the catalog announces names, the gateway's read model shows them."""
from sqlalchemy import select

from services.catalog.models import CatalogOutbox
from services.gateway import people
from services.gateway.web.rendering import environment
from shared.db import session_factory
from shared.migrations import upgrade
from tests.unit.test_catalog_service import demo_catalog  # noqa: F401  (the demo network, built once)


def test_demo_accounts_announce_their_names_and_positions(demo_catalog):  # noqa: F811
    sessions = session_factory(f"sqlite:///{demo_catalog}")
    with sessions() as session:
        announced = {row.envelope["data"]["username"]: row.envelope["data"] for row in session.scalars(
            select(CatalogOutbox).where(CatalogOutbox.event_type == "account_created"))}
    assert announced["school-kyshtym"]["full_name"] == "Наталья Владимировна Крылова"
    assert announced["methodist-kyshtym"]["position"] == "методист управления образования"


def read_model(tmp_path):
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    upgrade("gateway", url)
    return session_factory(url)


def test_a_page_names_people_and_keeps_the_login_only_for_an_unknown_account(tmp_path):
    sessions = read_model(tmp_path)
    with sessions.begin() as session:
        people.account_created(session, {"username": "school-kyshtym", "role": "school", "municipality": "kyshtym",
                                         "full_name": "Наталья Владимировна Крылова", "position": "завуч",
                                         "actor": "admin"})
        people.account_created(session, {"username": "old-account", "role": "school", "municipality": "kyshtym",
                                         "full_name": "", "position": "", "actor": "admin"})
    directory = people.Directory(sessions)
    template = environment.from_string("{{ 'school-kyshtym'|person }} / {{ 'school-kyshtym'|person(False) }} / "
                                       "{{ 'old-account'|person }} / {{ 'nobody'|person }}")
    assert template.render(people=directory) == "Наталья Владимировна Крылова, завуч / Наталья Владимировна Крылова / " \
                                                "old-account / nobody"
    assert people.with_names(sessions, [{"school": "school-kyshtym"}, {"school": None}], "school", "school_name") == [
        {"school": "school-kyshtym", "school_name": "Наталья Владимировна Крылова, завуч"}, {"school": None}]
