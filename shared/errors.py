"""The one error hierarchy of the network and its mapping to HTTP.

Services raise these from domain code; nameko carries them over RPC (each class is registered for
deserialisation, so the gateway receives the same class with the same arguments) and the gateway turns
them into ``{"error": {"code", "message", "fields"}}`` with the class's status.
"""
from nameko.exceptions import deserialize_to_instance


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


def validation_failed(marshmallow_error, message="Данные не прошли проверку"):
    """Turn a marshmallow ValidationError into ours, keeping the per-field reasons."""
    messages = marshmallow_error.messages
    if not isinstance(messages, dict):
        messages = {"_schema": messages}
    return ValidationFailed(message, messages)
