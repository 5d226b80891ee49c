"""The gateway's read model: cross-city views projected from the owning services' events only."""
from datetime import date, datetime

from sqlalchemy import JSON, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UtcDateTime
from shared.messaging import ProcessedEventMixin
from shared.replay import ReplayCheckpointMixin


class ReadModelBase(DeclarativeBase):
    """The gateway's own metadata; each gateway replica has a database of its own."""


class MunicipalityView(ReadModelBase):
    __tablename__ = "municipalities"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(60))
    oktmo: Mapped[str] = mapped_column(String(11), default="")


class OrganizationView(ReadModelBase):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    municipality: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))


class PersonView(ReadModelBase):
    """Who stands behind a username, as the catalog announced the account: pages show this, not logins."""

    __tablename__ = "people"

    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    municipality: Mapped[str | None] = mapped_column(String(40))
    full_name: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[str] = mapped_column(String(200), default="")


class EntryStatusView(ReadModelBase):
    """Every registry entry's kind, city and review state (drafts included), for network stats."""

    __tablename__ = "entry_states"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(40))
    municipality: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(30))
    revision: Mapped[int] = mapped_column(Integer)


class SessionView(ReadModelBase):
    """A career-trial session with its free seats, as last announced by the practices service."""

    __tablename__ = "trial_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    practice_id: Mapped[int] = mapped_column(Integer, index=True)
    municipality: Mapped[str] = mapped_column(String(40), index=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    seats_left: Mapped[int] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(300))
    revision: Mapped[int] = mapped_column(Integer)


class EntryHistoryLine(ReadModelBase):
    """One change of a registry entry (one practice_* event): its public history is read from these.

    Every change is kept, not only the public ones: whether a withdrawal took a published entry off the
    registry depends on the state before it, which is the line before (events may arrive out of order,
    so that is worked out when the history is read, not when a line is projected)."""

    __tablename__ = "entry_history"
    __table_args__ = (Index("ix_entry_history_entry_order", "entry_id", "occurred_at"),)

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entry_id: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(30))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)


class FestivalView(ReadModelBase):
    """A festival's whole state as last announced: for listings, calendars and stats."""

    __tablename__ = "festivals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    municipality: Mapped[str] = mapped_column(String(40), index=True)
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20))
    state: Mapped[dict] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(Integer)


class ProcessedEvent(ProcessedEventMixin, ReadModelBase):
    __tablename__ = "processed_events"


class ReplayCheckpoint(ReplayCheckpointMixin, ReadModelBase):
    """How far the read model has read each owning service's event log by replay."""

    __tablename__ = "replay_checkpoints"


class SearchDocument(ReadModelBase):
    """One published item of any kind, as the cross-city search shows it.

    Full text lives beside it: an FTS5 table ``search_fts`` (rowid = ``id``) on SQLite, a ``tsv``
    column with the ``russian`` configuration on PostgreSQL; both are created by the migration.
    What search filters and orders by is in :class:`SearchFilters`, what it counts in
    :class:`SearchDocumentFacets`.
    """

    __tablename__ = "search_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    ref_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    profession: Mapped[str | None] = mapped_column(String(200))
    organization: Mapped[str | None] = mapped_column(String(300))
    tags: Mapped[list] = mapped_column(JSON)
    body: Mapped[dict] = mapped_column(JSON)


class SearchFilters(ReadModelBase):
    """A search document's filterable attributes (``id`` = the document's), in rows of their own.

    A broad query matches thousands of documents; filtering, facet counts and ordering read these
    narrow rows, and only the page shown reads the documents' text and JSON bodies (measured at
    100 000 documents: facets of 8 000 matches 26 ms from the wide rows, 11 ms from these).
    """

    __tablename__ = "search_filters"
    # Filtering by kind (and by the columns after it) reads this index; facets are counted elsewhere.
    __table_args__ = (Index("ix_search_filters_facets", "kind", "municipality", "direction", "format"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    doc_type: Mapped[str] = mapped_column(String(20), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    municipality: Mapped[str] = mapped_column(String(40), index=True)
    direction: Mapped[str | None] = mapped_column(String(200))
    format: Mapped[str | None] = mapped_column(String(20))
    grades_mask: Mapped[int] = mapped_column(Integer, default=0)
    sort_date: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class SearchFacetSet(ReadModelBase):
    """One combination of facet values that documents share («» where a document has none).

    Facets are counted per set, not per value: a broad query's thousands of matches are grouped by
    one integer read from :class:`SearchDocumentFacets`, and only the few sets found are read here.
    """

    __tablename__ = "search_facet_sets"
    __table_args__ = (UniqueConstraint("kind", "municipality", "direction", "format"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    municipality: Mapped[str] = mapped_column(String(40))
    direction: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(20))


class SearchDocumentFacets(ReadModelBase):
    """Each search document's facet set (``id`` = the document's), in rows as narrow as they get.

    Counting the facets of 8 000 matches among 100 000 documents by the four text columns of
    :class:`SearchFilters` took 7.4 ms (a sort of 8 000 rows by four strings); grouping these rows by
    one integer takes 2.3 ms, and a row lookup here touches a fraction of the pages.
    """

    __tablename__ = "search_document_facets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    facet_set: Mapped[int] = mapped_column(Integer, index=True)


class AuditRecord(ReadModelBase):
    """One change or review decision anywhere in the network: who, when, what, in which city.

    Projected from the owners' events (``audit.py``); the event id is the key, so an event is
    recorded once however often it is delivered, and the log is rebuilt with the rest of the read model.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_newest", "occurred_at", "event_id"),)

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    action: Mapped[str] = mapped_column(String(80))
    actor: Mapped[str | None] = mapped_column(String(80), index=True)
    municipality: Mapped[str | None] = mapped_column(String(40), index=True)
    object_type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[str] = mapped_column(String(80))
    practice_id: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[str | None] = mapped_column(String(30))
    comment: Mapped[str] = mapped_column(Text, default="")


class AdoptionView(ReadModelBase):
    """A city's adoption of another city's practice, as last announced (services/gateway/adoptions.py)."""

    __tablename__ = "adoptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    original_entry_id: Mapped[int] = mapped_column(Integer, index=True)
    original_version: Mapped[int] = mapped_column(Integer)
    original_municipality: Mapped[str] = mapped_column(String(40))
    original_title: Mapped[str] = mapped_column(String(300))
    adaptation_entry_id: Mapped[int] = mapped_column(Integer, index=True)
    adopter_municipality: Mapped[str] = mapped_column(String(40), index=True)
    adopted_by: Mapped[str] = mapped_column(String(80))
    changes: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    adopted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    report_due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    report_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    report_text: Mapped[str | None] = mapped_column(Text)
    reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reported_by: Mapped[str | None] = mapped_column(String(80))
    revision: Mapped[int] = mapped_column(Integer)


class Notification(ReadModelBase):
    """What concerns someone, projected from an event (services/gateway/notifications.py): one per event,
    so the event id is the key. ``audience`` is ``user:<username>`` or ``methodists:<city code>``."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_audience_newest", "audience", "occurred_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    audience: Mapped[str] = mapped_column(String(130))
    kind: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(400))
    text: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)


class NotificationRead(ReadModelBase):
    """That ``username`` has read notification ``notification_id``.

    The one table the HTTP workers write (a visitor marks what they read): it is the gateway's own state,
    not projected from events, so a rebuild of the read model keeps it (``projections.reset``). Every
    other table is written by the projector alone (docs/gateway-processes.md)."""

    __tablename__ = "notification_reads"
    written_by_http = True

    notification_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(UtcDateTime)


class NotificationMailing(ReadModelBase):
    """That this replica has handed notification ``notification_id`` to the mailer (the catalog makes
    sure that, across replicas and rebuilds, each recipient is mailed once)."""

    __tablename__ = "notification_mailings"

    notification_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    handled_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ReadModelState(ReadModelBase):
    """One row (``id`` 1), written by the projector: ``version`` goes up in the transaction of every batch
    of events that changed the read model (HTTP workers compare it before serving a stored answer,
    services/gateway/answers.py), ``beat_at`` every second while the projector runs (``/health``)."""

    __tablename__ = "read_model_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    beat_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
