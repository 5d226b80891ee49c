"""The one error hierarchy of the network and the one mapping of any exception to an answer.

Services raise these from domain code; nameko carries them over RPC (each class is registered for
deserialisation, so the gateway receives the same class with the same arguments). :func:`answer_for`
turns whatever an entrypoint raised into one of them: the JSON API answers its
``{"error": {"code", "message", "fields"}}`` with its status and headers, a page shows its status and
message in the site's layout, and an owning service's RPC entrypoint sends it back to the caller.
"""
import logging

from nameko.exceptions import deserialize_to_instance
from werkzeug.exceptions import HTTPException

from shared.db import database_unavailable

log = logging.getLogger(__name__)


class NetworkError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message, fields=None):
        super().__init__(message, fields or {})

    @property
    def message(self):
        return self.args[0]

    @property
    def fields(self):
        return self.args[1]

    def headers(self):
        """HTTP headers that go with this error's answer."""
        return {}

    def to_body(self):
        # ``fields`` is always there (empty when no field is to blame): clients read it without a check.
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields or {}}}


@deserialize_to_instance
class BadRequest(NetworkError):
    status, code = 400, "bad_request"


@deserialize_to_instance
class ValidationFailed(NetworkError):
    status, code = 422, "validation_failed"


@deserialize_to_instance
class Unauthorized(NetworkError):
    status, code = 401, "unauthorized"


@deserialize_to_instance
class Forbidden(NetworkError):
    status, code = 403, "forbidden"


@deserialize_to_instance
class NotFound(NetworkError):
    status, code = 404, "not_found"


class MethodNotAllowed(NetworkError):
    """An address that exists, asked with a method it does not take (never raised by a service)."""

    status, code = 405, "method_not_allowed"


@deserialize_to_instance
class Conflict(NetworkError):
    status, code = 409, "conflict"


@deserialize_to_instance
class PreconditionFailed(NetworkError):
    """The record changed since the client read it (its ``If-Match`` names an older revision)."""

    status, code = 412, "precondition_failed"


@deserialize_to_instance
class PayloadTooLarge(NetworkError):
    status, code = 413, "payload_too_large"


@deserialize_to_instance
class UnsupportedMediaType(NetworkError):
    status, code = 415, "unsupported_media_type"


@deserialize_to_instance
class TooManyRequests(NetworkError):
    """Refused for a while (too many failed sign-ins); ``retry_after`` seconds until it is allowed."""

    status, code = 429, "too_many_requests"

    def __init__(self, message, fields=None, retry_after=60):
        Exception.__init__(self, message, fields or {}, int(retry_after))

    @property
    def retry_after(self):
        return self.args[2]

    def headers(self):
        return {"Retry-After": str(self.retry_after)}


@deserialize_to_instance
class ServiceUnavailable(NetworkError):
    status, code = 503, "service_unavailable"


class InternalError(NetworkError):
    """Anything unexpected: the client learns only that it happened, the log gets the details."""

    def __init__(self, message="Внутренняя ошибка сервера", fields=None):
        super().__init__(message, fields)


# What a request to an address no route answers is told (werkzeug's routing refusals by status).
ROUTING_ERRORS = {404: (NotFound, "Такого адреса нет"),
                  405: (MethodNotAllowed, "Этот метод не поддерживается для данного адреса")}


def known_error(exc, service_name):
    """The NetworkError that answers ``exc``, or None for an unexpected one.

    An error of ours (raised here or received over RPC) answers itself; a routing refusal its status;
    a database that cannot be reached now is 503 naming whose database (``service_name``'s), since a
    later repeat may succeed. Owning services' RPC entrypoints use this alone: anything else reaches
    the caller as nameko's RemoteError, which keeps the remote exception's name for the caller's log.
    """
    if isinstance(exc, NetworkError):
        return exc
    if isinstance(exc, HTTPException):
        if exc.code in ROUTING_ERRORS:
            error_cls, message = ROUTING_ERRORS[exc.code]
            return error_cls(message)
        error = BadRequest(exc.description)
        error.status = exc.code  # werkzeug's other refusals keep their own status
        return error
    if database_unavailable(exc):
        log.error("the database of %s is unavailable: %s", service_name, exc)
        whose = "шлюза" if service_name == "gateway" else f"сервиса «{service_name}»"
        return ServiceUnavailable(f"База данных {whose} недоступна, повторите запрос позже")
    return None


def answer_for(exc, service_name, where):
    """The NetworkError an HTTP answer (JSON or page) is made of, for anything raised at ``where``
    (e.g. ``GET /cabinet``): :func:`known_error`'s, else a 500 that says nothing of the cause, which
    is logged with its traceback. Never None."""
    error = known_error(exc, service_name)
    if error is None:
        log.error("unexpected error in %s", where, exc_info=exc)
        error = InternalError()
    return error


def validation_failed(marshmallow_error, message="Данные не прошли проверку"):
    """Turn a marshmallow ValidationError into ours, keeping the per-field reasons."""
    messages = marshmallow_error.messages
    if not isinstance(messages, dict):
        messages = {"_schema": messages}
    return ValidationFailed(message, messages)
