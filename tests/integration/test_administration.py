"""The administrator's work, through the API and the pages: accounts created without a password and
handed over with a one-time code or link, organisations, the municipality plugins, one's own password,
a disabled account's open browser session, and ``practice-network create-admin`` (docs/administration.md)."""
import re
import uuid

import lxml.html
import requests

from application.running import eventually
from tests.integration.test_access_rules import bearer, made, sign_in
from tests.integration.test_web_pages import csrf_of, signed_in

NEW_PASSWORD = "Снежинск-2026-пароль"
CODE = re.compile(r'id="handover-code">([A-Z0-9-]+)<')
LINK = re.compile(r'id="handover-link">([^<]+)<')


def new_person(network, **extra):
    username = f"methodist-{uuid.uuid4().hex[:8]}"
    organizations = made(network.api("GET", "/api/v1/organizations", params={"municipality": "snezhinsk"}))
    account = made(network.api("POST", "/api/v1/accounts", user="admin", json={
        "username": username, "role": "methodist", "municipality": "snezhinsk", "full_name": "Анна Сергеевна Котова",
        "position": "методист", "email": "kotova@example.org", "organization": organizations["items"][0]["id"],
        **extra}), (201,))
    return account


def issue(network, username, kind="code", user="admin"):
    return network.api("POST", f"/api/v1/accounts/{username}/password-reset", user=user, json={"kind": kind})


def one_time(network, **body):
    return requests.post(network.url("/api/v1/auth/one-time"), json=body, timeout=30)


def test_an_account_without_a_password_signs_in_once_with_its_code_and_then_with_its_own_password(network):
    account = new_person(network)
    username = account["username"]
    assert account["organization"]["name"] and account["email"] == "kotova@example.org"
    reset = made(issue(network, username), (201,))
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}", reset["code"]) and reset["expires_at"]
    weak = one_time(network, username=username, code=reset["code"], new_password="12345678")
    assert weak.status_code == 422 and "new_password" in weak.json()["error"]["fields"]
    signed = made(one_time(network, username=username, code=reset["code"].lower().replace("-", " "),
                           new_password=NEW_PASSWORD))
    assert signed["user"]["username"] == username
    assert network.api("GET", "/api/v1/bookings", headers=bearer(signed["access_token"])).status_code == 200
    again = one_time(network, username=username, code=reset["code"], new_password=NEW_PASSWORD + "!")
    assert again.status_code == 401 and "код" in again.json()["error"]["message"]
    assert sign_in(network, username, NEW_PASSWORD).status_code == 200


def test_a_one_time_link_works_once_and_a_newer_one_voids_it(network):
    username = new_person(network)["username"]
    first = made(issue(network, username, "link"), (201,))
    assert first["url"].endswith("/password/reset/" + first["token"])
    second = made(issue(network, username, "link"), (201,))
    voided = one_time(network, token=first["token"], new_password=NEW_PASSWORD)
    assert voided.status_code == 401 and "Ссылка недействительна" in voided.json()["error"]["message"]
    assert one_time(network, token=second["token"], new_password=NEW_PASSWORD).status_code == 200
    assert one_time(network, token=second["token"], new_password=NEW_PASSWORD).status_code == 401


def test_wrong_codes_are_throttled_like_wrong_passwords(network):
    username = new_person(network)["username"]
    made(issue(network, username), (201,))
    answers = [one_time(network, username=username, code="AAAA-AAAA-AA", new_password=NEW_PASSWORD).status_code
               for _ in range(6)]
    assert answers[0] == 401 and answers[-1] == 429


def test_only_an_admin_manages_accounts_organisations_and_plugins(network):
    username = new_person(network)["username"]
    for user in ("methodist-snezhinsk", "reviewer-chippkro"):
        assert issue(network, username, user=user).status_code == 403
        assert network.api("POST", "/api/v1/organizations", user=user, json={
            "municipality": "snezhinsk", "name": "Школа самозванцев", "kind": "school"}).status_code == 403
        assert network.api("GET", "/api/v1/plugins/municipalities", user=user).status_code == 403
    assert network.api("GET", "/api/v1/plugins/municipalities").status_code == 401
    other_city = made(network.api("GET", "/api/v1/organizations", params={"municipality": "kopeysk"}))["items"][0]
    refused = network.api("POST", "/api/v1/accounts", user="admin", json={
        "username": f"methodist-{uuid.uuid4().hex[:8]}", "role": "methodist", "municipality": "snezhinsk",
        "organization": other_city["id"]})
    assert refused.status_code == 422 and "organization" in refused.json()["error"]["fields"]


def test_an_admin_adds_an_organisation_and_sees_every_municipality_with_its_plugin(network):
    name = f"Лицей №{uuid.uuid4().int % 1000} г. Снежинска"
    body = {"municipality": "snezhinsk", "name": name, "kind": "school"}
    added = made(network.api("POST", "/api/v1/organizations", user="admin", json=body), (201,))
    assert added["name"] == name and added["kind_title"] == "Школа"
    twice = network.api("POST", "/api/v1/organizations", user="admin", json=body)
    assert twice.status_code == 409 and "name" in twice.json()["error"]["fields"]
    assert eventually(lambda: name in {item["name"] for item in network.api(
        "GET", "/api/v1/organizations", params={"municipality": "snezhinsk", "per_page": 100}).json()["items"]})
    cities = {item["code"]: item for item in made(network.api("GET", "/api/v1/plugins/municipalities",
                                                              user="admin"))["items"]}
    snezhinsk = cities["snezhinsk"]
    assert snezhinsk["oktmo"] and snezhinsk["organizations"] >= 1
    assert snezhinsk["plugin"]["module"] == "services.catalog.municipalities.snezhinsk:municipality"


def test_create_admin_makes_a_first_admin_once(network):
    username = f"root-{uuid.uuid4().hex[:8]}"
    done = network.cli("create-admin", "--username", username, "--full-name", "Пётр Ильич Орлов",
                       "--generate-password")
    password = re.search(r"показан один раз, запишите его\): (\S+)", done.stdout).group(1)
    signed = made(sign_in(network, username, password))
    assert signed["user"]["role"] == "admin" and signed["user"]["full_name"] == "Пётр Ильич Орлов"
    again = network.cli("create-admin", "--username", username, "--full-name", "Другой", "--generate-password",
                        check=False)
    assert again.returncode != 0 and "уже занято" in again.stderr


def _form(browser, network, path, **data):
    page = browser.get(network.url(path), timeout=30)
    return browser.post(network.url(path), data={"csrf_token": csrf_of(page), **data}, timeout=30)


def _errors(response):
    document = lxml.html.fromstring(response.content)
    return {node.get("id"): node.text_content() for node in document.xpath("//*[@class='field-error']")}


def test_in_the_pages_an_admin_hands_over_a_code_and_the_person_sets_a_password_then_is_disabled(network):
    admin = signed_in(network, "admin")
    username = f"methodist-{uuid.uuid4().hex[:8]}"
    form = {"full_name": "Анна Сергеевна Котова", "position": "методист", "username": username, "role": "methodist",
            "municipality": "", "email": "", "organization": "", "handover": "code"}
    refused = _form(admin, network, "/admin/accounts/new", **form)
    assert refused.status_code == 422 and "Обязательно для методиста" in _errors(refused)["municipality-error"]
    created = _form(admin, network, "/admin/accounts/new", **{**form, "municipality": "snezhinsk"})
    assert created.status_code == 200 and "Больше он не будет показан" in created.text
    code = CODE.search(created.text).group(1)
    assert created.headers["Cache-Control"] == "no-store"

    person = requests.Session()
    wrong = _form(person, network, "/login/code", username=username, code="AAAA-BBBB-CC")
    assert wrong.status_code == 401 and "Неверное имя пользователя или одноразовый код" in wrong.text
    checked = _form(person, network, "/login/code", username=username, code=code)
    assert checked.status_code == 200 and "Код верный, Анна Сергеевна Котова" in checked.text
    mismatch = person.post(network.url("/login/code/password"), data={
        "csrf_token": csrf_of(checked), "username": username, "code": code, "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD + "x"}, timeout=30)
    assert mismatch.status_code == 422 and "Пароли не совпадают" in _errors(mismatch)["new_password_again-error"]
    done = person.post(network.url("/login/code/password"), data={
        "csrf_token": csrf_of(mismatch), "username": username, "code": code, "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD}, timeout=30)
    assert done.url.endswith("/cabinet?done=password_set") and "Кабинет методиста" in done.text

    listed = admin.get(network.url("/admin/accounts"), params={"municipality": "snezhinsk", "role": "methodist"},
                       timeout=30)
    assert username in listed.text and "Анна Сергеевна Котова" in listed.text
    disabled = admin.post(network.url(f"/admin/accounts/{username}/disable"),
                          data={"csrf_token": csrf_of(listed)}, timeout=30)
    assert "Учётная запись отключена" in disabled.text
    assert eventually(lambda: person.get(network.url("/cabinet"), timeout=30).url.split("?")[0].endswith("/login"),
                      timeout=5)
    again = _form(requests.Session(), network, "/login", username=username, password=NEW_PASSWORD)
    assert again.status_code == 403 and "отключена" in again.text


def test_everyone_changes_their_own_password_on_a_page(network):
    username = new_person(network, password="long-enough-2026")["username"]
    browser = requests.Session()
    _form(browser, network, "/login", username=username, password="long-enough-2026")
    wrong = _form(browser, network, "/account/password", current_password="не тот", new_password=NEW_PASSWORD,
                  new_password_again=NEW_PASSWORD)
    assert wrong.status_code == 403 and "Неверный пароль" in _errors(wrong)["current_password-error"]
    weak = _form(browser, network, "/account/password", current_password="long-enough-2026",
                 new_password="12345678", new_password_again="12345678")
    assert weak.status_code == 422 and "new_password-error" in _errors(weak)
    changed = _form(browser, network, "/account/password", current_password="long-enough-2026",
                    new_password=NEW_PASSWORD, new_password_again=NEW_PASSWORD)
    assert changed.url.endswith("/cabinet?done=password_changed") and "Пароль изменён" in changed.text
    assert browser.get(network.url("/cabinet"), timeout=30).url.endswith("/cabinet")  # still signed in
    assert sign_in(network, username, NEW_PASSWORD).status_code == 200


def test_the_admin_pages_are_for_admins_only(network):
    methodist = signed_in(network, "methodist-snezhinsk")
    for path in ("/admin/accounts", "/admin/organizations", "/admin/municipalities", "/admin/accounts/new"):
        answer = methodist.get(network.url(path), timeout=30)
        assert answer.status_code == 403 and "для администраторов" in answer.text, path
    admin = signed_in(network, "admin")
    plugins = admin.get(network.url("/admin/municipalities"), timeout=30)
    assert plugins.status_code == 200 and "Снежинск" in plugins.text and "services.catalog.municipalities" in plugins.text
    added = _form(admin, network, "/admin/organizations", municipality="snezhinsk", name="", kind="school")
    assert added.status_code == 422 and "name-error" in _errors(added)
