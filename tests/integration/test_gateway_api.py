"""The gateway as a newcomer meets it: health, directory, OpenAPI, sign-in and clear errors."""
import pytest
import requests

from application.running import eventually

CITIES = {"magnitogorsk": "Магнитогорск", "snezhinsk": "Снежинск", "kopeysk": "Копейск", "kyshtym": "Кыштым"}


def test_health_reports_every_service_ok(network):
    response = network.api("GET", "/health")
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body.pop("worker"), int)  # the PID of the HTTP worker that answered
    assert body == {
        "status": "ok", "broker": "ok", "read_model": "ok", "projector": "ok",
        "services": {"catalog": "ok", "practices": "ok", "festivals": "ok"},
        "databases": {"catalog": "ok", "practices": "ok", "festivals": "ok", "gateway": "ok"}}


def test_the_four_cities_are_listed_with_russian_names(network):
    response = network.api("GET", "/api/v1/municipalities")
    assert response.status_code == 200
    listed = {city["code"]: city["name"] for city in response.json()["items"]}
    assert CITIES.items() <= listed.items()
    assert all(city["region"] == "Челябинская область" for city in response.json()["items"])


def test_organizations_of_a_city_include_kyshtym_cdyutt(network):
    response = network.api("GET", "/api/v1/organizations", params={"municipality": "kyshtym"})
    assert response.status_code == 200
    page = response.json()
    assert page["page"] == 1 and page["total"] == len(page["items"]) >= 2
    assert any("ЦДЮТТ" in org["name"] for org in page["items"])


def test_openapi_lists_every_route(network):
    spec = network.api("GET", "/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in ("/health", "/api/v1/auth/token", "/api/v1/municipalities",
                 "/api/v1/municipalities/{code}", "/api/v1/organizations", "/api/v1/accounts"):
        assert path in spec["paths"], path
    token_request = spec["paths"]["/api/v1/auth/token"]["post"]["requestBody"]
    assert token_request["content"]["application/json"]["schema"]["$ref"].endswith("/Credentials")


def test_demo_methodist_signs_in_and_gets_a_bearer_token(network):
    response = network.api("POST", "/api/v1/auth/token",
                           json={"username": "methodist-kyshtym", "password": "demo"})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] > 0
    assert body["user"] == {"username": "methodist-kyshtym", "role": "methodist", "municipality": "kyshtym",
                            "full_name": "Татьяна Николаевна Горина", "position": "методист управления образования"}


@pytest.mark.parametrize("credentials", [
    {"username": "methodist-kyshtym", "password": "wrong"},
    {"username": "nobody", "password": "demo"},
])
def test_wrong_password_or_unknown_user_is_401(network, credentials):
    response = network.api("POST", "/api/v1/auth/token", json=credentials)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_write_without_token_is_401(network):
    response = network.api("POST", "/api/v1/accounts", json={
        "username": "new-school", "password": "long-enough", "role": "school", "municipality": "kyshtym"})
    assert response.status_code == 401


def test_write_with_a_forged_token_is_401(network):
    response = network.api("POST", "/api/v1/accounts", headers={"Authorization": "Bearer forged.token.x"},
                           json={"username": "forged-admin", "password": "long-enough", "role": "admin"})
    assert response.status_code == 401
    assert "токен" in response.json()["error"]["message"]


def test_only_an_admin_creates_accounts_and_the_service_checks_it(network):
    account = {"username": "school-kopeysk-1", "password": "long-enough", "role": "school",
               "municipality": "kopeysk", "full_name": "Школа №1 Копейска"}
    assert network.api("POST", "/api/v1/accounts", user="methodist-kopeysk", json=account).status_code == 403
    created = network.api("POST", "/api/v1/accounts", user="admin", json=account)
    assert created.status_code == 201
    assert created.json()["municipality"] == "kopeysk"
    assert network.api("POST", "/api/v1/accounts", user="admin", json=account).status_code == 409
    signed_in = network.api("POST", "/api/v1/auth/token",
                            json={"username": account["username"], "password": account["password"]})
    assert signed_in.json()["user"]["role"] == "school"


def test_malformed_json_is_400_naming_the_body(network):
    response = requests.post(network.url("/api/v1/auth/token"), data=b'{"username": ', timeout=10,
                             headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "body" in response.json()["error"]["fields"]


def test_wrong_types_are_422_naming_each_field(network):
    response = network.api("POST", "/api/v1/auth/token", json={"username": 42})
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert fields["username"] == ["Ожидалась строка."]
    assert fields["password"] == ["Обязательное поле."]


@pytest.mark.parametrize("body", [
    b"", b"null", b"[]", b"42", b'"text"', b"\xff\xfe", b'{"username": null, "password": []}',
    b'{"username": {"a": 1}, "password": 1e999}', b'{"username": "a", "password": "b", "extra": 1}',
    ("{" * 5000).encode(), ("[" * 100000).encode(),
])
@pytest.mark.parametrize("path", ["/api/v1/auth/token", "/api/v1/accounts"])
def test_no_body_of_any_shape_produces_a_500(network, path, body):
    response = requests.post(network.url(path), data=body, timeout=10, headers={
        "Authorization": "Bearer " + network.token("admin"), "Content-Type": "application/json"})
    assert response.status_code in (400, 413, 422), response.text
    assert response.json()["error"]["message"]


def test_bad_query_parameters_are_422(network):
    response = network.api("GET", "/api/v1/organizations", params={"per_page": "1000", "page": "x"})
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"per_page", "page"}


def test_unknown_path_and_unknown_city_are_json_404(network):
    assert network.api("GET", "/api/v1/nothing-here").json()["error"]["code"] == "not_found"
    response = network.api("GET", "/api/v1/municipalities/atlantis")
    assert response.status_code == 404 and "atlantis" in response.json()["error"]["message"]


# The shared network's logs hold every earlier test's events by now; on a loaded two-core machine the
# replay of all of them has taken over 20 s.
REBUILD_SECONDS = 90


def test_read_model_is_rebuilt_from_the_owners_event_logs(network):
    before = network.api("GET", "/api/v1/search", params={"q": "лазер"}).json()["total"]
    network.rebuild_read_model()
    cities = eventually(lambda: {c["code"] for c in network.api("GET", "/api/v1/municipalities").json()["items"]}
                        >= CITIES.keys(), timeout=REBUILD_SECONDS)
    assert cities
    # A query not asked before the rebuild: a stored answer from before it cannot stand in for the refill.
    assert eventually(lambda: network.api("GET", "/api/v1/search", params={"q": "лазер", "per_page": 7})
                      .json()["total"] == before >= 1, timeout=REBUILD_SECONDS)


def test_the_front_page_names_the_four_cities_in_russian(network):
    response = network.api("GET", "/")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    assert all(name in response.text for name in CITIES.values())
