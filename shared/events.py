"""The event contract: every event of the network, who publishes it, and its payload schema.

Grep an event name to see who publishes it (``outbox.record(..., "<name>", ...)``) and who handles it
(``@event_handler("<source>", "<name>")``). Every event travels in the same envelope:
``{"event_id", "event_type", "source", "occurred_at", "data"}``; ``data`` is validated against the
schema registered here both when it is recorded and when it is handled.
"""
import uuid
from datetime import datetime, timezone

from marshmallow import Schema, fields

from shared.schemas import load

EVENTS = {}


def event(name, source):
    """Register ``schema_cls`` as the payload of event ``name`` published by service ``source``."""

    def register(schema_cls):
        schema_cls.event_name, schema_cls.source = name, source
        EVENTS[name] = schema_cls
        return schema_cls

    return register


class EnvelopeSchema(Schema):
    event_id = fields.UUID(required=True)
    event_type = fields.Str(required=True)
    source = fields.Str(required=True)
    occurred_at = fields.AwareDateTime(required=True)
    data = fields.Dict(required=True)


@event("municipality_registered", source="catalog")
class MunicipalityRegistered(Schema):
    code = fields.Str(required=True)
    name = fields.Str(required=True)
    region = fields.Str(required=True)
    timezone = fields.Str(required=True)


@event("organization_registered", source="catalog")
class OrganizationRegistered(Schema):
    id = fields.Int(required=True)
    municipality = fields.Str(required=True)
    name = fields.Str(required=True)
    kind = fields.Str(required=True)


def make_envelope(name, data):
    """A new event ``name`` with validated ``data``, ready to be stored in an outbox."""
    schema = EVENTS[name]()
    return {
        "event_id": str(uuid.uuid4()),
        "event_type": name,
        "source": schema.source,
        "occurred_at": datetime.now(timezone.utc).isoformat(),
        "data": schema.dump(load(schema, data)),
    }


def open_envelope(name, payload):
    """Validate a received event; returns ``(event_id, data)``. Raises ValidationFailed."""
    envelope = load(EnvelopeSchema(), payload)
    return str(envelope["event_id"]), load(EVENTS[name](), envelope["data"])
