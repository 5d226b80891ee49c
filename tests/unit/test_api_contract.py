"""The contract's conventions in the gateway's plumbing, without a network: the error shape, JSON
bodies only as application/json, the list envelope, operationIds, and how API.md is read."""
import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from services.gateway import service  # noqa: F401  (registers every route)
from services.gateway.http import read_json
from services.gateway.openapi import build_spec
from shared.errors import BadRequest, NotFound, UnsupportedMediaType, ValidationFailed
from shared.schemas import page_of_list
from tests.contract_doc import concrete, operations


def request(body, content_type):
    return Request(EnvironBuilder(method="POST", data=body, content_type=content_type).get_environ())


@pytest.mark.parametrize("error", [NotFound("Запись №1 не найдена"), ValidationFailed("Плохо", {"title": ["Пусто"]})])
def test_an_error_body_always_has_fields_empty_or_not(error):
    body = error.to_body()["error"]
    assert set(body) == {"code", "message", "fields"} and body["fields"] == (error.fields or {})


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml", None])
def test_a_body_that_is_not_declared_json_is_415(content_type):
    with pytest.raises(UnsupportedMediaType) as refused:
        read_json(request(b'{"title": "x"}', content_type))
    assert refused.value.status == 415 and "Content-Type" in refused.value.fields


def test_json_with_a_charset_is_read_and_an_empty_optional_body_needs_no_type():
    assert read_json(request(b'{"title": "x"}', "application/json; charset=utf-8")) == {"title": "x"}
    assert read_json(request(b"", None), optional=True) == {}
    with pytest.raises(BadRequest):
        read_json(request(b'{"title": ', "application/json"))


def test_a_whole_list_is_answered_a_page_at_a_time_in_the_envelope():
    assert page_of_list(list(range(5)), page=2, per_page=2) == {"items": [2, 3], "total": 5, "page": 2, "per_page": 2}
    assert page_of_list([], page=3, per_page=20) == {"items": [], "total": 0, "page": 3, "per_page": 20}


def test_every_operation_has_a_unique_operation_id_named_after_its_handler():
    document = build_spec()
    ids = [op["operationId"] for methods in document["paths"].values() for op in methods.values()]
    assert len(ids) == len(set(ids))
    assert document["paths"]["/api/v1/export/practices.csv"]["get"]["operationId"] == "export_practices_csv"


SAMPLE = """## Things
- `GET /api/v1/things?q=&kind=` → list; `GET /api/v1/things/{id}`,
  `POST /api/v1/things/{id}/<action>`: `open`, `close-all`.
- `GET /api/v1/things/{id}.docx` and `.pdf`; `POST /api/v1/things/{id}/hide` and `/show`;
  `GET /api/v1/boxes`; `DELETE` a box.
### Planned — no issue asks for these yet
- `POST /api/v1/later`
"""


def test_the_document_is_read_with_its_own_conventions():
    keys = {(o.key, tuple(o.query)) for o in operations(SAMPLE)}
    assert keys == {
        ("GET /api/v1/things", ("kind", "q")), ("GET /api/v1/things/{id}", ()),
        ("POST /api/v1/things/{id}/open", ()), ("POST /api/v1/things/{id}/close-all", ()),
        ("GET /api/v1/things/{id}.docx", ()), ("GET /api/v1/things/{id}.pdf", ()),
        ("POST /api/v1/things/{id}/hide", ()), ("POST /api/v1/things/{id}/show", ()),
        ("GET /api/v1/boxes", ()), ("DELETE /api/v1/boxes/{id}", ())}
    assert concrete("/api/v1/sessions/{session_id}/bookings", {"sessions": 7}) == "/api/v1/sessions/7/bookings"


def test_the_real_document_names_the_operations_acceptance_relies_on():
    keys = {o.key for o in operations()}
    assert {"GET /api/v1/export/practices.csv", "POST /api/v1/practices/{id}/adopt",
            "POST /api/v1/practices/{id}/request-changes", "DELETE /api/v1/bookings/{id}",
            "GET /api/v1/collections/{id}.pdf"} <= keys
