"""One mapping from exceptions to answers (shared/errors.py), used alike by the JSON API, the pages and
the owning services' RPC entrypoint."""
import json
from types import SimpleNamespace

import pytest
from nameko.rpc import Rpc
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.exceptions import NotFound as NoRoute

from services.gateway.http import ApiEntrypoint
from services.gateway.web.rendering import PageEntrypoint
from shared.errors import InternalError, NotFound, ServiceUnavailable, TooManyRequests, answer_for, known_error
from shared.service import OwnedDataRpc

DATABASE_DOWN = OperationalError("select", {}, Exception("connection refused"))


@pytest.mark.parametrize("raised, status, code, message", [
    (NotFound("Запись №7 не найдена"), 404, "not_found", "Запись №7 не найдена"),
    (NoRoute(), 404, "not_found", "Такого адреса нет"),
    (MethodNotAllowed(), 405, "method_not_allowed", "Этот метод не поддерживается для данного адреса"),
    (DATABASE_DOWN, 503, "service_unavailable", "База данных шлюза недоступна, повторите запрос позже"),
    (ZeroDivisionError("division by zero"), 500, "internal_error", "Внутренняя ошибка сервера"),
])
def test_every_exception_maps_to_a_status_a_code_and_a_russian_message(raised, status, code, message):
    error = answer_for(raised, "gateway", "GET /x")
    assert (error.status, error.code, error.message, error.fields) == (status, code, message, {})


def test_only_unexpected_errors_are_unknown_and_a_service_names_its_own_database():
    assert known_error(ZeroDivisionError(), "practices") is None
    assert known_error(DATABASE_DOWN, "practices").message == (
        "База данных сервиса «practices» недоступна, повторите запрос позже")


def api_and_page_answers(raised):
    api, page = object.__new__(ApiEntrypoint), object.__new__(PageEntrypoint)
    for entrypoint in (api, page):
        entrypoint.method, entrypoint.url = "GET", "/x"
    return api.response_from_exception(raised), page.response_from_exception(raised)


@pytest.mark.parametrize("raised", [NotFound("Запись №7 не найдена"), DATABASE_DOWN, ZeroDivisionError("секрет"),
                                    TooManyRequests("Слишком много попыток", retry_after=30)])
def test_the_api_and_the_page_answer_the_same_facts(raised):
    api, page = api_and_page_answers(raised)
    error = answer_for(raised, "gateway", "GET /x")
    assert api.status_code == page.status_code == error.status
    assert json.loads(api.get_data(as_text=True)) == error.to_body()
    assert api.headers.get("Retry-After") == error.headers().get("Retry-After")
    shown = page.get_data(as_text=True)
    assert page.content_type.startswith("text/html") and "секрет" not in shown
    if not isinstance(error, InternalError):
        assert error.message in shown


def rpc_answer(monkeypatch, raised):
    """What the owning service's RPC entrypoint hands nameko to send back for ``raised``."""
    sent = []
    monkeypatch.setattr(Rpc, "handle_result", lambda self, message, ctx, result, exc_info: sent.append(exc_info))
    entrypoint = object.__new__(OwnedDataRpc)
    entrypoint.container = SimpleNamespace(service_name="festivals")
    entrypoint.handle_result(None, None, None, (type(raised), raised, None))
    return sent[0][1]


def test_the_rpc_side_sends_a_known_error_and_leaves_an_unexpected_one_to_nameko(monkeypatch):
    unavailable = rpc_answer(monkeypatch, DATABASE_DOWN)
    assert isinstance(unavailable, ServiceUnavailable) and "«festivals»" in unavailable.message
    unexpected = ZeroDivisionError("division by zero")
    assert rpc_answer(monkeypatch, unexpected) is unexpected  # a RemoteError naming it, for the caller's log
