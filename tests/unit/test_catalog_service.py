"""Catalog entrypoints with nameko.testing's worker_factory, on a real (SQLite) database."""
import shutil
from datetime import timedelta

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import select, update

from services.catalog import accounts, resets
from services.catalog.demo import load_demo_accounts
from services.catalog.directory import register_installed_municipalities
from services.catalog.lockout import Policy
from services.catalog.models import CatalogOutbox, LoginFailures, PasswordReset
from services.catalog.service import CatalogService
from shared.auth import Identity
from shared.db import session_factory
from shared.errors import Conflict, Forbidden, TooManyRequests, Unauthorized, ValidationFailed
from shared.messaging import utcnow
from shared.migrations import upgrade
from shared.plugins import MunicipalityPlugin, Organization

ADMIN = Identity("admin", "admin")
KYSHTYM_METHODIST = Identity("methodist-kyshtym", "methodist", "kyshtym")


@pytest.fixture(scope="module")
def demo_catalog(tmp_path_factory):
    """A catalog database with the demo network, built once: hashing passwords takes a while."""
    path = tmp_path_factory.mktemp("catalog") / "catalog.db"
    upgrade("catalog", f"sqlite:///{path}")
    sessions = session_factory(f"sqlite:///{path}")
    register_installed_municipalities(sessions)
    load_demo_accounts(sessions)
    sessions.kw["bind"].dispose()
    return path


@pytest.fixture
def catalog_db(demo_catalog, tmp_path):
    shutil.copy(demo_catalog, tmp_path / "catalog.db")
    return session_factory(f"sqlite:///{tmp_path / 'catalog.db'}")


def catalog(db, identity=None):
    return worker_factory(CatalogService, db=db, identity=lambda: identity)


def test_demo_methodist_authenticates_with_city(catalog_db):
    identity = catalog(catalog_db).authenticate({"username": "methodist-kyshtym", "password": "demo"})
    assert {key: identity[key] for key in ("username", "role", "municipality")} == {
        "username": "methodist-kyshtym", "role": "methodist", "municipality": "kyshtym"}
    assert identity["full_name"] == "Татьяна Николаевна Горина" and identity["token_generation"] == 0


def test_wrong_password_is_unauthorized_without_saying_which_part_was_wrong(catalog_db):
    service = catalog(catalog_db)
    with pytest.raises(Unauthorized) as wrong_password:
        service.authenticate({"username": "admin", "password": "nope"})
    with pytest.raises(Unauthorized) as unknown_user:
        service.authenticate({"username": "ghost", "password": "nope"})
    assert wrong_password.value.message == unknown_user.value.message


def test_the_four_founding_cities_are_registered_from_plugins(catalog_db):
    codes = [city["code"] for city in catalog(catalog_db).list_municipalities()]
    assert sorted(codes) == ["kopeysk", "kyshtym", "magnitogorsk", "snezhinsk"]


def test_registering_plugins_again_announces_nothing_new(catalog_db):
    with catalog_db() as session:
        before = session.scalars(select(CatalogOutbox.event_type)).all()
    register_installed_municipalities(catalog_db)
    with catalog_db() as session:
        assert session.scalars(select(CatalogOutbox.event_type)).all() == before
    assert before.count("municipality_registered") == 4


def test_a_renamed_city_is_announced_again(catalog_db):
    renamed = MunicipalityPlugin("kyshtym", "Кыштымский городской округ", "Челябинская область",
                                 "Asia/Yekaterinburg", (Organization("Новая школа", "school"),))
    register_installed_municipalities(catalog_db, {"kyshtym": renamed})
    service = catalog(catalog_db)
    assert service.get_municipality("kyshtym")["name"] == "Кыштымский городской округ"
    names = [o["name"] for o in service.list_organizations({"municipality": "kyshtym", "per_page": 100})["items"]]
    assert "Новая школа" in names


def test_only_an_admin_creates_accounts(catalog_db):
    account = {"username": "school-2", "password": "long-enough", "role": "school", "municipality": "kyshtym"}
    with pytest.raises(Forbidden):
        catalog(catalog_db, KYSHTYM_METHODIST).create_account(account)
    with pytest.raises(Unauthorized):
        catalog(catalog_db, None).create_account(account)
    assert catalog(catalog_db, ADMIN).create_account(account)["municipality"] == "kyshtym"
    with pytest.raises(Conflict):
        catalog(catalog_db, ADMIN).create_account(account)


def test_a_methodist_account_must_name_an_existing_city(catalog_db):
    service = catalog(catalog_db, ADMIN)
    with pytest.raises(ValidationFailed) as missing:
        service.create_account({"username": "methodist-new", "password": "long-enough", "role": "methodist"})
    assert "municipality" in missing.value.fields
    with pytest.raises(Exception) as unknown:
        service.create_account({"username": "methodist-new", "password": "long-enough", "role": "methodist",
                                "municipality": "atlantis"})
    assert unknown.value.status == 404


def test_organizations_are_paginated(catalog_db):
    page = catalog(catalog_db).list_organizations({"page": 2, "per_page": 5})
    assert page["total"] == 12 and page["page"] == 2 and len(page["items"]) == 5


STRICT = Policy(max_failures=3, max_failures_per_address=5, window_seconds=60, lockout_seconds=120,
                slowdown_after=4, slowdown_max_seconds=4)


def sign_in(db, username, password, address="10.0.0.1", policy=STRICT):
    return accounts.sign_in(db, policy, username, password, address)


def test_an_address_guessing_one_username_is_locked_for_it_but_the_rightful_user_elsewhere_is_not(catalog_db):
    for _ in range(2):
        with pytest.raises(Unauthorized):
            sign_in(catalog_db, "methodist-kyshtym", "wrong")
    with pytest.raises(TooManyRequests) as locking:
        sign_in(catalog_db, "methodist-kyshtym", "wrong")
    assert 0 < locking.value.retry_after <= 120
    with pytest.raises(TooManyRequests) as locked:
        sign_in(catalog_db, "methodist-kyshtym", "demo")
    assert "заблокирован" in locked.value.message
    assert sign_in(catalog_db, "methodist-kyshtym", "demo", address="10.0.0.2").username == "methodist-kyshtym"
    assert sign_in(catalog_db, "methodist-kopeysk", "demo").username == "methodist-kopeysk"


def test_guessing_one_username_from_many_addresses_only_slows_it_down_for_seconds(catalog_db):
    for number in range(4):
        with pytest.raises(Unauthorized):
            sign_in(catalog_db, "school-kyshtym", "wrong", address=f"10.1.0.{number}")
    with pytest.raises(TooManyRequests) as slowed:
        sign_in(catalog_db, "school-kyshtym", "demo", address="10.2.0.1")
    assert slowed.value.retry_after <= STRICT.slowdown_max_seconds
    assert "Повторите через" in slowed.value.message
    with catalog_db.begin() as session:  # the few seconds pass
        session.execute(update(LoginFailures).values(locked_until=utcnow() - timedelta(seconds=1)))
    assert sign_in(catalog_db, "school-kyshtym", "demo", address="10.2.0.1").username == "school-kyshtym"


def test_the_slowdown_grows_but_never_beyond_its_cap(catalog_db):
    holds = [STRICT.hold_after("user:x", failures) for failures in range(1, 12)]
    assert holds[:3] == [None] * 3
    assert [hold.total_seconds() for hold in holds[3:6]] == [1, 2, 4]
    assert max(hold.total_seconds() for hold in holds[3:]) == STRICT.slowdown_max_seconds


def test_a_successful_sign_in_clears_the_usernames_failures(catalog_db):
    for _ in range(2):
        with pytest.raises(Unauthorized):
            sign_in(catalog_db, "admin", "wrong")
    sign_in(catalog_db, "admin", "demo")
    for _ in range(2):
        with pytest.raises(Unauthorized):
            sign_in(catalog_db, "admin", "wrong")
    assert sign_in(catalog_db, "admin", "demo").role == "admin"


def test_an_address_guessing_at_many_usernames_is_locked_for_everyone_on_it(catalog_db):
    for number in range(4):
        with pytest.raises(Unauthorized):
            sign_in(catalog_db, f"guess-{number}", "demo")
    with pytest.raises(TooManyRequests):
        sign_in(catalog_db, "guess-5", "demo")
    with pytest.raises(TooManyRequests):
        sign_in(catalog_db, "admin", "demo")
    assert sign_in(catalog_db, "admin", "demo", address="10.0.0.9").username == "admin"


def test_failures_older_than_the_window_no_longer_count(catalog_db):
    for _ in range(2):
        with pytest.raises(Unauthorized):
            sign_in(catalog_db, "school-kyshtym", "wrong")
    with catalog_db.begin() as session:
        session.execute(update(LoginFailures).values(window_started_at=utcnow() - timedelta(seconds=61)))
    with pytest.raises(Unauthorized):
        sign_in(catalog_db, "school-kyshtym", "wrong")
    assert sign_in(catalog_db, "school-kyshtym", "demo").username == "school-kyshtym"


def test_a_lockout_ends_by_itself(catalog_db):
    for _ in range(3):
        with pytest.raises((Unauthorized, TooManyRequests)):
            sign_in(catalog_db, "school-magnitogorsk", "wrong")
    with catalog_db.begin() as session:
        session.execute(update(LoginFailures).values(locked_until=utcnow() - timedelta(seconds=1)))
    assert sign_in(catalog_db, "school-magnitogorsk", "demo").username == "school-magnitogorsk"


def outbox_events(db):
    with db() as session:
        return session.scalars(select(CatalogOutbox.event_type).order_by(CatalogOutbox.position)).all()


def test_a_disabled_account_cannot_sign_in_and_leaves_the_expert_pool_until_enabled(catalog_db):
    admin = catalog(catalog_db, ADMIN)
    disabled = admin.set_account_disabled("reviewer-snezhinsk", True)
    assert disabled["disabled"] is True and disabled["full_name"] == "Андрей Павлович Кузьмин"
    with pytest.raises(Forbidden) as refused:
        sign_in(catalog_db, "reviewer-snezhinsk", "demo")
    assert refused.value.message == "Учётная запись отключена администратором"
    with pytest.raises(Unauthorized):  # a wrong password says nothing about the account
        sign_in(catalog_db, "reviewer-snezhinsk", "wrong")
    assert "reviewer-snezhinsk" not in {r["username"] for r in admin.list_reviewers()}
    assert admin.account_access() == [{"username": "reviewer-snezhinsk", "token_generation": 1, "disabled": True}]
    admin.set_account_disabled("reviewer-snezhinsk", False)
    assert sign_in(catalog_db, "reviewer-snezhinsk", "demo").token_generation == 1
    assert "reviewer-snezhinsk" in {r["username"] for r in admin.list_reviewers()}
    assert outbox_events(catalog_db)[-2:] == ["account_disabled", "account_enabled"]


def test_only_an_admin_disables_and_never_their_own_account(catalog_db):
    with pytest.raises(Forbidden):
        catalog(catalog_db, KYSHTYM_METHODIST).set_account_disabled("school-kyshtym", True)
    with pytest.raises(Conflict):
        catalog(catalog_db, ADMIN).set_account_disabled("admin", True)
    with pytest.raises(Exception) as unknown:
        catalog(catalog_db, ADMIN).set_account_disabled("ghost", True)
    assert unknown.value.status == 404


def test_a_password_change_needs_the_current_one_and_a_strong_new_one(catalog_db):
    service = catalog(catalog_db, KYSHTYM_METHODIST)
    with pytest.raises(Forbidden) as wrong:
        service.change_password({"current_password": "nope", "new_password": "Лучший-пароль-2026"})
    assert "current_password" in wrong.value.fields
    for weak in ("short", "12345678901", "password1", "aaaaaaaaa"):
        with pytest.raises(ValidationFailed) as refused:
            service.change_password({"current_password": "demo", "new_password": weak})
        assert "new_password" in refused.value.fields
    changed = service.change_password({"current_password": "demo", "new_password": "Лучший-пароль-2026"})
    assert changed["token_generation"] == 1
    with pytest.raises(Unauthorized):
        sign_in(catalog_db, "methodist-kyshtym", "demo")
    assert sign_in(catalog_db, "methodist-kyshtym", "Лучший-пароль-2026").username == "methodist-kyshtym"


@pytest.mark.parametrize("username", ["a\x00b-user", "../etc-passwd", "Admin", "ab", "-leading", "имя-школы"])
def test_usernames_outside_the_pattern_are_refused_naming_the_field(catalog_db, username):
    with pytest.raises(ValidationFailed) as refused:
        catalog(catalog_db, ADMIN).create_account(
            {"username": username, "password": "long-enough", "role": "admin"})
    assert "username" in refused.value.fields


def test_accounts_are_created_with_full_name_and_position_and_listed_for_admins(catalog_db):
    admin = catalog(catalog_db, ADMIN)
    admin.create_account({"username": "school-kyshtym-2", "password": "long-enough", "role": "school",
                          "municipality": "kyshtym", "full_name": "Ольга Ивановна Смирнова", "position": "завуч"})
    page = admin.list_accounts({"municipality": "kyshtym", "role": "school"})
    assert {(a["username"], a["full_name"], a["position"]) for a in page["items"]} >= {
        ("school-kyshtym-2", "Ольга Ивановна Смирнова", "завуч")}
    with pytest.raises(Forbidden):
        catalog(catalog_db, KYSHTYM_METHODIST).list_accounts({})


def test_a_one_time_code_expires_and_a_disabled_account_cannot_use_its_own(catalog_db):
    with catalog_db.begin() as session:
        expired = resets.issue(session, ADMIN, "school-kyshtym", "code", hours=0)
    with pytest.raises(Unauthorized):
        catalog(catalog_db).complete_password_reset(
            {"username": "school-kyshtym", "code": expired["code"], "new_password": "Лучший-пароль-2026"})
    admin = catalog(catalog_db, ADMIN)
    code = admin.issue_password_reset("school-kyshtym", {"kind": "code"})["code"]
    admin.set_account_disabled("school-kyshtym", True)
    with pytest.raises(Forbidden):
        catalog(catalog_db).check_one_time_secret({"username": "school-kyshtym", "code": code})
    with pytest.raises(Conflict):
        admin.issue_password_reset("school-kyshtym", {"kind": "link"})
    with catalog_db() as session:
        kept = session.scalars(select(PasswordReset.secret_hash)).all()
    assert code.replace("-", "") not in " ".join(kept) and all(h.startswith("$argon2") for h in kept)


def test_using_a_code_raises_the_token_generation_and_announces_it(catalog_db):
    code = catalog(catalog_db, ADMIN).issue_password_reset("methodist-kyshtym", {"kind": "code"})["code"]
    signed = catalog(catalog_db).complete_password_reset(
        {"username": "methodist-kyshtym", "code": code, "new_password": "Лучший-пароль-2026"}, {"address": "10.0.0.9"})
    assert signed["token_generation"] == 1 and outbox_events(catalog_db)[-1] == "account_password_changed"
    assert sign_in(catalog_db, "methodist-kyshtym", "Лучший-пароль-2026").username == "methodist-kyshtym"


def test_create_first_admin_refuses_a_taken_username_and_a_weak_password(catalog_db):
    assert accounts.create_first_admin(catalog_db, "root-admin", "Пётр Орлов", "Длинный-пароль-2026") == "root-admin"
    with pytest.raises(Conflict):
        accounts.create_first_admin(catalog_db, "root-admin", "Другой", "Длинный-пароль-2026")
    with pytest.raises(ValidationFailed) as weak:
        accounts.create_first_admin(catalog_db, "root-admin-2", "Пётр Орлов", "12345678")
    assert "password" in weak.value.fields
