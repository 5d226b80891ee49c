"""The event contract: every event of the network, who publishes it, and its payload schema.

Grep an event name to see who publishes it (``outbox.record(..., "<name>", ...)``) and who handles it
(``@event_handler("<source>", "<name>")``). Every event travels in the same envelope:
``{"event_id", "event_type", "source", "occurred_at", "data"}``; ``data`` is validated against the
schema registered here both when it is recorded and when it is handled.

On the broker the envelope also carries ``installation``, the INSTALLATION_ID of the publisher (added
when it is published, not stored: a backup restored elsewhere replays its log as the new installation's).
A consumer refuses an event of another installation: two networks on one broker must never cross-write.
"""
import logging
import uuid
from datetime import UTC, datetime
from functools import cache

from marshmallow import Schema, fields
from nameko import config

from shared.errors import ValidationFailed
from shared.schemas import StoredText, load

log = logging.getLogger(__name__)

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
    event_type = StoredText(required=True)
    source = StoredText(required=True)
    occurred_at = fields.AwareDateTime(required=True)
    data = fields.Dict(required=True)
    # Only on the broker (see the module's docstring); events read from an owner's log have none.
    installation = StoredText(load_default=None)


@event("municipality_registered", source="catalog")
class MunicipalityRegistered(Schema):
    code = StoredText(required=True)
    name = StoredText(required=True)
    region = StoredText(required=True)
    timezone = StoredText(required=True)
    # Added with open data; events recorded before carry none.
    oktmo = StoredText(load_default="")


@event("organization_registered", source="catalog")
class OrganizationRegistered(Schema):
    id = fields.Int(required=True)
    municipality = StoredText(required=True)
    name = StoredText(required=True)
    kind = StoredText(required=True)


@event("account_created", source="catalog")
class AccountCreated(Schema):
    username = StoredText(required=True)
    role = StoredText(required=True)
    municipality = StoredText(required=True, allow_none=True)
    actor = StoredText(required=True)
    # Added with people's names (the gateway's directory of people); events recorded before carry none.
    full_name = StoredText(load_default="")
    position = StoredText(load_default="")


@event("token_revoked", source="catalog")
class TokenRevoked(Schema):
    """A signed-out access token: every service refuses it until ``expires_at`` (shared/revocation.py)."""

    token_id = StoredText(required=True)
    username = StoredText(required=True)
    expires_at = fields.AwareDateTime(required=True)


class AccountAccessChanged(Schema):
    """An account's access changed: tokens issued before ``token_generation`` stop working in every
    process (shared/revocation.py), and a disabled account leaves the expert pool."""

    username = StoredText(required=True)
    role = StoredText(required=True)
    municipality = StoredText(required=True, allow_none=True)
    token_generation = fields.Int(required=True)
    disabled = fields.Bool(required=True)
    actor = StoredText(required=True)


ACCOUNT_ACCESS_EVENTS = ("account_disabled", "account_enabled", "account_password_changed")
for _name in ACCOUNT_ACCESS_EVENTS:
    event(_name, source="catalog")(type(_name.title().replace("_", ""), (AccountAccessChanged,), {}))


@cache
def payload_schema(name):
    """One instance per event, made once: a marshmallow schema keeps no state between loads, and making
    one deep-copies all its fields, which cost more than validating an event (three per registry entry)."""
    return EVENTS[name]()


ENVELOPE = EnvelopeSchema()


def make_envelope(name, data):
    """A new event ``name`` with validated ``data``, ready to be stored in an outbox."""
    schema = payload_schema(name)
    return {
        "event_id": str(uuid.uuid4()),
        "event_type": name,
        "source": schema.source,
        "occurred_at": datetime.now(UTC).isoformat(),
        "data": schema.dump(load(schema, data)),
    }


def stamped(envelope):
    """The envelope as published: with this installation's id."""
    return {**envelope, "installation": config.get("INSTALLATION_ID")}


def open_envelope(name, payload):
    """Validate a received event; returns ``(event_id, data)``. Raises ValidationFailed, also for an
    event of another installation."""
    envelope = load(ENVELOPE, payload)
    ours, theirs = config.get("INSTALLATION_ID"), envelope["installation"]
    if ours and theirs and theirs != ours:
        log.error("event %s %s of installation %s refused: this is installation %s (two networks share "
                  "a RabbitMQ virtual host)", name, envelope["event_id"], theirs, ours)
        raise ValidationFailed(f"Событие другой установки сети («{theirs}», а это «{ours}»): не обработано",
                               {"installation": ["Чужая установка"]})
    return str(envelope["event_id"]), load(payload_schema(name), envelope["data"])


class PracticeChanged(Schema):
    """The state of an entry after a change. ``published`` is its public view (None when nothing
    of it is public), so a read model needs no other call to show it."""

    id = fields.Int(required=True)
    kind = StoredText(required=True)
    municipality = StoredText(required=True)
    status = StoredText(required=True)
    version = fields.Int(required=True)
    published_version = fields.Int(required=True, allow_none=True)
    revision = fields.Int(required=True)
    author = StoredText(required=True)
    actor = StoredText(required=True)
    comment = StoredText(load_default="")
    published = fields.Dict(required=True, allow_none=True)


PRACTICE_EVENTS = ("practice_created", "practice_edited", "practice_submitted", "practice_approved",
                   "practice_changes_requested", "practice_rejected", "practice_withdrawn",
                   "practice_archived")
# The only ones that change what of an entry is public: an edit or a new review round of a published
# entry leaves its published version as it was. Consumers of public views need no others.
PUBLICATION_EVENTS = ("practice_approved", "practice_withdrawn", "practice_archived")
for _name in PRACTICE_EVENTS:
    event(_name, source="practices")(type(_name.title().replace("_", ""), (PracticeChanged,), {}))


class TrialSessionState(Schema):
    session_id = fields.Int(required=True)
    practice_id = fields.Int(required=True)
    municipality = StoredText(required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    capacity = fields.Int(required=True)
    seats_left = fields.Int(required=True)
    place = StoredText(load_default="")
    revision = fields.Int(required=True)


@event("trial_session_scheduled", source="practices")
class TrialSessionScheduled(TrialSessionState):
    actor = StoredText(load_default=None, allow_none=True)  # None in events recorded before it was added


class BookingChanged(Schema):
    booking_id = fields.Int(required=True)
    actor = StoredText(load_default=None, allow_none=True)  # who booked or cancelled; None in older events
    school = StoredText(required=True)
    school_municipality = StoredText(allow_none=True, load_default=None)
    pupils = fields.Int(required=True)
    status = StoredText(required=True)
    session = fields.Nested(TrialSessionState, required=True)


BOOKING_EVENTS = ("booking_confirmed", "booking_waitlisted", "booking_cancelled", "booking_promoted")
for _name in BOOKING_EVENTS:
    event(_name, source="practices")(type(_name.title().replace("_", ""), (BookingChanged,), {}))


class FestivalChanged(Schema):
    """A festival's whole state after a change (the festivals service's FestivalSchema)."""

    id = fields.Int(required=True)
    revision = fields.Int(required=True)
    festival = fields.Dict(required=True)
    actor = StoredText(load_default=None, allow_none=True)  # None in events recorded before it was added
    # The entry the step concerns (festival_entry_*): its applicant is ``festival.entries[].entered_by``.
    entry_id = fields.Int(load_default=None, allow_none=True)


# The festival season: a call opened (or its deadline moved), an entry submitted or withdrawn, the
# jury appointed, results announced. ``festival_results`` is the name results had in events recorded
# before the season: logs replayed keep it.
FESTIVAL_EVENTS = ("festival_published", "festival_changed", "festival_cancelled", "festival_results",
                   "festival_call_opened", "festival_entry_submitted", "festival_entry_withdrawn",
                   "festival_jury_appointed", "festival_results_announced")
for _name in FESTIVAL_EVENTS:
    event(_name, source="festivals")(type(_name.title().replace("_", ""), (FestivalChanged,), {}))


@event("resource_published", source="practices")
class ResourcePublished(Schema):
    resource = fields.Dict(required=True)


# The expert workbench (services/practices/expertise.py): who was assigned, and each review as it comes in.
@event("expert_assigned", source="practices")
class ExpertAssigned(Schema):
    round_id = fields.Int(required=True)
    entry_id = fields.Int(required=True)
    municipality = StoredText(required=True)
    reviewer = StoredText(required=True)
    actor = StoredText(required=True)


@event("expert_review_submitted", source="practices")
class ExpertReviewSubmitted(Schema):
    round_id = fields.Int(required=True)
    entry_id = fields.Int(required=True)
    municipality = StoredText(required=True)
    reviewer = StoredText(required=True)
    total = fields.Float(required=True)
    recommendation = StoredText(required=True)
    actor = StoredText(required=True)

# A festival jury works on the expert workbench (services/practices/expertise.py): a juror assigned to
# an entry, and a juror's scores of it (``round_status`` ``complete`` once the entry's scores are all in).
@event("festival_juror_assigned", source="practices")
class FestivalJurorAssigned(ExpertAssigned):
    festival_id = fields.Int(required=True)
    festival_entry_id = fields.Int(required=True)
    festival_title = StoredText(required=True)
    entry_title = StoredText(required=True)


@event("festival_jury_scored", source="practices")
class FestivalJuryScored(Schema):
    round_id = fields.Int(required=True)
    festival_id = fields.Int(required=True)
    festival_entry_id = fields.Int(required=True)
    entry_id = fields.Int(required=True)
    municipality = StoredText(required=True)
    juror = StoredText(required=True)
    total = fields.Float(required=True)
    scores = fields.Dict(keys=StoredText(), values=fields.Int(), required=True)
    round_status = StoredText(required=True)
    actor = StoredText(required=True)


class AdoptionState(Schema):
    """An adoption's whole state after a change (services/practices/adoption.py)."""

    id = fields.Int(required=True)
    original_entry_id = fields.Int(required=True)
    original_version = fields.Int(required=True)
    original_municipality = StoredText(required=True)
    original_title = StoredText(required=True)
    adaptation_entry_id = fields.Int(required=True)
    adopter_municipality = StoredText(required=True)
    adopted_by = StoredText(required=True)
    changes = StoredText(required=True)
    reason = StoredText(required=True)
    adopted_at = fields.AwareDateTime(required=True)
    report_due_at = fields.AwareDateTime(required=True)
    report_requested_at = fields.AwareDateTime(required=True, allow_none=True)
    report_text = StoredText(required=True, allow_none=True)
    reported_at = fields.AwareDateTime(required=True, allow_none=True)
    reported_by = StoredText(required=True, allow_none=True)
    revision = fields.Int(required=True)
    actor = StoredText(required=True, allow_none=True)  # None when the timer asks for a due report


# practice_adopted: a city adopted another's practice; adoption_report_due: its results report is due
# (asked once); adoption_reported: the adopter reported the results.
ADOPTION_EVENTS = ("practice_adopted", "adoption_report_due", "adoption_reported")
for _name in ADOPTION_EVENTS:
    event(_name, source="practices")(type(_name.title().replace("_", ""), (AdoptionState,), {}))
