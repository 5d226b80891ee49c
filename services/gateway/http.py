"""HTTP plumbing of the gateway: JSON in and out, errors answered as ``shared.errors`` maps them, and
the route registry.

Every handler is declared with :func:`route`, which records the schemas it reads and returns so that
``/api/v1/openapi.json`` is generated from the same declarations that validate requests.
"""
import json
import os
import re
import socket
import time
from dataclasses import dataclass
from functools import partial

import eventlet
from eventlet.hubs import trampoline
from marshmallow import fields
from nameko import config
from nameko.constants import AUTH_TOKEN_CONTEXT_KEY
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from services.gateway.schemas import RequestIdSchema
from services.gateway.web.headers import add_security_headers
from shared import logs
from shared.auth import refuse_if_revoked
from shared.compat import SignatureCheckedOnce
from shared.errors import (
    ROUTING_ERRORS,
    BadRequest,
    NetworkError,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
    answer_for,
)
from shared.listening import LISTEN_FD_ENV, ConnectionShares
from shared.metrics import HTTP_DURATION, HTTP_REQUESTS
from shared.schemas import MAX_ID, load
from shared.text import first_bad_character

JSON_TYPE = "application/json; charset=utf-8"
MAX_JSON_BYTES = 1024 * 1024
ROUTES = []
API_PREFIX = "/api/"


def json_response(payload, status=200, headers=None):
    return json_text_response(json_text(payload), status, headers)


def json_text(payload):
    return json.dumps(payload, ensure_ascii=False, default=str)


def json_text_response(body, status=200, headers=None):
    """A response of JSON already encoded (e.g. a stored answer)."""
    return Response(body, status=status, headers=headers, content_type=JSON_TYPE)


def error_response(error):
    return json_response(error.to_body(), status=error.status, headers=error.headers())


REQUEST_ID_HEADER = "X-Request-Id"
# Anything else is counted as "other": a client must not be able to invent label values.
KNOWN_METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"))
REQUEST_ID_SCHEMA = RequestIdSchema()


class JsonWsgiApp(WsgiApp):
    """Each request gets a correlation id (the client's ``X-Request-Id``/``X-Correlation-Id`` or a new
    one) for every log line and RPC call it causes, returned in ``X-Request-Id``; it is counted and timed
    by its route's template. Unknown paths and wrong methods answer in the JSON error format under
    ``/api/`` and as the Russian HTML error page elsewhere; every answer gets the security headers of
    ``web/headers.py``."""

    def __call__(self, environ, start_response):
        started, statuses, route = time.perf_counter(), [], "unmatched"

        def start(status, headers, exc_info=None):
            statuses.append(status[:3])
            headers.append((REQUEST_ID_HEADER, logs.correlation_id.get()))
            add_security_headers(environ, headers)
            return start_response(status, headers, exc_info)

        try:
            begin_correlation(environ)
            route = self.url_map.bind_to_environ(environ).match(return_rule=True)[0].rule
            return super().__call__(environ, start)
        except (HTTPException, NetworkError) as exc:  # no route matched, or the request id was refused
            error = answer_for(exc, "gateway", environ.get("PATH_INFO", ""))
            if isinstance(exc, HTTPException) and not environ.get("PATH_INFO", "").startswith(API_PREFIX):
                return unmatched_page(environ, error, self.server.container)(environ, start)  # a mistyped address
            return error_response(error)(environ, start)
        finally:
            method = environ["REQUEST_METHOD"] if environ["REQUEST_METHOD"] in KNOWN_METHODS else "other"
            HTTP_REQUESTS.labels(route, method, statuses[0] if statuses else "500").inc()
            HTTP_DURATION.labels(route, method).observe(time.perf_counter() - started)


def begin_correlation(environ):
    """Take the request's correlation id, or make one. A malformed one is refused (422): the refusal
    goes out under a new id, set first so that no line of it carries the previous request's id."""
    logs.correlation_id.set(logs.new_correlation_id())
    given = environ.get("HTTP_X_REQUEST_ID") or environ.get("HTTP_X_CORRELATION_ID")
    if given is not None:
        logs.correlation_id.set(load(REQUEST_ID_SCHEMA, {REQUEST_ID_HEADER: given})["request_id"])


def unmatched_page(environ, error, container):
    """The Russian HTML error page, in the site's layout, for an address no route matches."""
    from services.gateway.web.rendering import page_for_unmatched  # rendering builds on this module
    return page_for_unmatched(Request(environ), error, container)


# A worker sharing its port defers a new connection this long to a worker holding fewer (long enough for
# that one to wake up and take it), and gives up an accept another worker won after this long.
DEFER_SECONDS = 0.002
ACCEPT_WAIT_SECONDS = 0.001


class GatewayWebServer(WebServer):
    shares = None  # ConnectionShares, when the launcher gave this worker a port shared with others

    def context_data_from_headers(self, request):
        context = {logs.CONTEXT_KEY: logs.correlation_id.get()}  # set by JsonWsgiApp for this request
        token = bearer_token(request)
        if token:
            # A signed-out token is refused here at once, whatever the route; services refuse it too.
            refuse_if_revoked(token)
            return {**context, AUTH_TOKEN_CONTEXT_KEY: token}
        # Web pages sign their calls with the token of the visitor's session cookie (web/session.py);
        # the JSON API never does, so a cookie cannot act on it from another site.
        session_token = getattr(request, "session_token", None)
        return {**context, AUTH_TOKEN_CONTEXT_KEY: session_token} if session_token else context

    def start(self):
        if not self._starting:
            self._starting = True
            self._sock = self._listening_socket()
            self._serv = self.get_wsgi_server(self._sock, self.get_wsgi_app())
            self._gt = self.container.spawn_managed_thread(self.run)

    def _listening_socket(self):
        """The port the launcher opened for all the workers (shared/listening.py); else this worker binds
        it: exclusively when alone, so that a stale gateway on the same port fails loudly instead of
        taking a share, or beside the others (SO_REUSEPORT) when started as one of several without it."""
        inherited = os.environ.get(LISTEN_FD_ENV)
        if inherited:
            self.shares = ConnectionShares.from_environment()
            listener = eventlet.greenio.GreenSocket(socket.socket(fileno=int(inherited)))
            # Without counters (a worker started by hand) nameko's own loop accepts, waiting as long as needed.
            listener.settimeout(ACCEPT_WAIT_SECONDS if self.shares else None)
            return listener
        listener = eventlet.listen(self.bind_addr, reuse_port=int(config.get("GATEWAY_HTTP_WORKERS") or 1) > 1)
        listener.settimeout(None)
        return listener

    def run(self):
        """nameko's accept loop, but a worker holding more connections than another waits a moment before
        taking a new one, so that the other takes it: kept-alive connections end up evenly spread."""
        if self.shares is None:
            return super().run()
        while self._is_accepting:
            trampoline(self._sock, read=True)
            if self.shares.more_than_fewest():
                eventlet.sleep(DEFER_SECONDS)
            try:
                sock, address = self._sock.accept()
            except TimeoutError:  # another worker took it
                continue
            self.shares.opened()  # counted at once: the next turn of this loop may come before it runs
            sock.settimeout(self._serv.socket_timeout)
            self.container.spawn_managed_thread(partial(self._serve_shared, sock, address))

    def _serve_shared(self, sock, address):
        try:
            self.process_request(sock, address)
        finally:
            self.shares.closed()

    def get_wsgi_app(self):
        return JsonWsgiApp(self)

    def process_request(self, sock, address):
        # eventlet writes the headers and the body in separate sends; with Nagle's algorithm and
        # the client's delayed ACK every keep-alive response would wait ~40 ms for nothing.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().process_request(sock, address)


class ApiEntrypoint(SignatureCheckedOnce, HttpRequestHandler):
    """An ``http`` entrypoint whose errors are JSON, as :func:`shared.errors.answer_for` maps them."""

    server = GatewayWebServer()

    def get_entrypoint_parameters(self, request):
        """Path values; an id too large for any database names nothing (404, not a database error)."""
        args, kwargs = super().get_entrypoint_parameters(request)
        if any(isinstance(value, int) and value > MAX_ID for value in kwargs.values()):
            raise NotFound(ROUTING_ERRORS[404][1])
        return args, kwargs

    def response_from_exception(self, exc):
        return error_response(self.error_for(exc))

    def error_for(self, exc):
        """What answers ``exc`` raised by this entrypoint's handler (the one mapping, for any answer)."""
        return answer_for(exc, "gateway", f"{self.method} {self.url}")


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    summary: str
    tag: str
    body: type | None = None
    query: type | None = None
    response: type | dict | None = None  # a schema, or e.g. {"anyOf": [schemas]} when it depends on the query
    status: int = 200
    auth: bool = False
    response_type: str = "application/json"
    upload: str | None = None  # the multipart field of an uploaded file
    errors: tuple = ()  # error statuses it may answer beyond those its declaration implies
    versioned: bool = False  # answers an ETag (services/gateway/revisions.py); a change takes If-Match
    operation_id: str = ""  # the handler's name: unique, and stable as long as the handler keeps it


def route(method, path, summary, tag, **details):
    """Declare an HTTP handler: registers it for OpenAPI and makes it a nameko entrypoint."""
    entrypoint = ApiEntrypoint.decorator(method, path, expected_exceptions=NetworkError)

    def register(handler):
        if any(known.operation_id == handler.__name__ for known in ROUTES):
            raise ValueError(f"operationId {handler.__name__} is taken: give the handler another name")
        ROUTES.append(Route(method, path, summary, tag, operation_id=handler.__name__, **details))
        return entrypoint(handler)
    return register


PATH_PARAMETER = re.compile(r"<(?:(?P<converter>[a-z]+)(?:\((?P<choices>[^)]*)\))?:)?(?P<name>[a-z_]+)>")


def openapi_path(path):
    """``/practices/<int:id>`` → ``/practices/{id}``."""
    return PATH_PARAMETER.sub(lambda match: "{" + match["name"] + "}", path)


def path_parameters(path):
    """``[(name, converter, choices)]`` of a werkzeug rule, e.g. ``("action", "any", ["submit", …])``."""
    return [(m["name"], m["converter"], [c.strip(" '\"") for c in m["choices"].split(",")] if m["choices"] else None)
            for m in PATH_PARAMETER.finditer(path)]


def bearer_token(request):
    """The token of the request's ``Authorization: Bearer`` header, None without one."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def read_json(request, schema=None, optional=False):
    """The request body as a JSON object, validated by ``schema``.

    Without ``schema`` the object is passed on as it is, for commands whose shape depends on what
    they change (an entry's fields depend on its kind): the owning service validates those.
    With ``optional`` an empty body counts as ``{}``. A non-empty body must be declared
    ``Content-Type: application/json`` (a charset may follow): anything else is 415, so a form or a
    text that happens to parse is never taken for a command.
    """
    if request.content_length and request.content_length > MAX_JSON_BYTES:
        raise PayloadTooLarge("Тело запроса слишком велико", {"body": ["Не больше 1 МБ"]})
    raw = request.get_data(cache=False, as_text=False)
    if raw and request.mimetype != "application/json":
        raise UnsupportedMediaType(
            "Тело запроса должно быть в формате JSON",
            {"Content-Type": [f"Ожидался application/json, получен {request.mimetype or 'запрос без типа'}"]})
    try:
        data = json.loads(raw.decode("utf-8")) if raw.strip() else ({} if optional else None)
    except (ValueError, RecursionError) as exc:  # bad UTF-8, bad JSON, or nesting too deep to parse
        raise BadRequest("Тело запроса не является корректным JSON",
                         {"body": [f"Ошибка разбора JSON: {exc}"]}) from None
    if not isinstance(data, dict):
        raise BadRequest("Ожидался JSON-объект", {"body": ["Тело запроса должно быть JSON-объектом"]})
    _refuse_bad_names(data)
    return data if schema is None else load(schema, data)


def _refuse_bad_names(data):
    """Field names with characters no text may hold (an unpaired surrogate, a control character) are
    refused here: values are the fields' business (Text names the field), but a name would be echoed
    in the error and could not even be encoded into the answer."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            if any(not isinstance(key, str) or first_bad_character(key) for key in value):
                raise BadRequest("Тело запроса не является корректным JSON",
                                 {"body": ["Недопустимые символы в названии поля"]})
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)


def read_upload(request, field, max_bytes):
    """``(bytes, declared type, file name)`` of an uploaded file: multipart field ``field``, or the raw
    body of any other type (declared by the request's Content-Type, unnamed)."""
    if request.content_length is None or request.content_length > max_bytes:
        limit = f"{max_bytes // (1024 * 1024)} МБ"
        raise PayloadTooLarge(f"Файл больше допустимого ({limit})" if request.content_length else "Нет файла",
                              {field: [f"Не больше {limit}"]})
    if request.mimetype == "multipart/form-data":
        upload = request.files.get(field)
        if upload is None:
            raise BadRequest("Нет файла", {field: [f"Приложите файл в поле «{field}»"]})
        return upload.read(), upload.mimetype, upload.filename
    data = request.get_data(cache=False)
    if not data:
        raise BadRequest("Нет файла", {field: ["Тело запроса пустое"]})
    return data, request.mimetype, None


def read_query(request, schema):
    """The query string validated by ``schema`` (repeated keys become lists for list fields)."""
    args = {}
    for key in request.args:
        values = request.args.getlist(key)
        field = schema.fields.get(key)
        args[key] = values if field is not None and _is_list(field) else values[-1]
    return load(schema, args)


def _is_list(field):
    return isinstance(field, fields.List)
