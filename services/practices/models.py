from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.db import UtcDateTime
from shared.licenses import DEFAULT_LICENSE
from shared.messaging import OutboxMixin, ProcessedEventMixin, utcnow


class PracticesBase(DeclarativeBase):
    """The practices service's own metadata: no other service shares these tables."""


class Entry(PracticesBase):
    """A registry entry of some kind. Its content lives in versions; ``version`` is the working copy
    (what the author edits and reviewers review), ``published_version`` what guests see, if any."""

    __tablename__ = "entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    municipality: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(30), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    published_version: Mapped[int | None] = mapped_column(Integer)
    # Grows with every change; read models apply an event only if it is newer than what they have.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    author: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)

    versions: Mapped[list["EntryVersion"]] = relationship(
        back_populates="entry", order_by="EntryVersion.number", lazy="selectin")


class EntryVersion(PracticesBase):
    __tablename__ = "entry_versions"
    __table_args__ = (UniqueConstraint("entry_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    entry: Mapped[Entry] = relationship(back_populates="versions")


class EntryTransition(PracticesBase):
    """One line of an entry's history: an edit or a change of state, by whom, when and why."""

    __tablename__ = "entry_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(80))
    actor_role: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The content as it was returned for changes: edits in place overwrite the version, and the
    # reviewer later compares the resubmission with what they asked to change.
    content: Mapped[dict | None] = mapped_column(JSON)


class TrialSession(PracticesBase):
    """A dated session of a career trial. ``seats_taken`` never exceeds ``capacity``: the database
    enforces it, and bookings take seats with a single conditional UPDATE."""

    __tablename__ = "trial_sessions"
    __table_args__ = (CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="seats_within_capacity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    place: Mapped[str] = mapped_column(String(300), default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    @property
    def seats_left(self):
        return self.capacity - self.seats_taken


class Booking(PracticesBase):
    """Places a school asked for: ``confirmed`` (holding seats), ``waitlisted`` or ``cancelled``."""

    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("trial_sessions.id"), index=True)
    school: Mapped[str] = mapped_column(String(80), index=True)
    school_municipality: Mapped[str | None] = mapped_column(String(40))
    pupils: Mapped[int] = mapped_column(Integer)
    grade: Mapped[int] = mapped_column(Integer)
    contact: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    session: Mapped[TrialSession] = relationship(lazy="joined", innerjoin=True)


class Resource(PracticesBase):
    """A methodical resource of a city: an uploaded file (by its content digest) or a link."""

    __tablename__ = "resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(1000))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    media_type: Mapped[str | None] = mapped_column(String(120))
    filename: Mapped[str | None] = mapped_column(String(300))
    practice_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id"), index=True)
    festival_id: Mapped[int | None] = mapped_column(Integer, index=True)
    license: Mapped[str] = mapped_column(String(20), default=DEFAULT_LICENSE)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Collection(PracticesBase):
    """A сборник: approved practices typeset as DOCX and PDF, built in the background.

    ``contents`` records exactly which version of which entry went in; ``progress`` is 0–100;
    ``edition`` is the front matter (compilers, annotation, foreword, order, publisher, place, time
    zone); ``rebuilt_from`` the collection whose parameters this one was built again with.
    """

    __tablename__ = "collections"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    scope: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    contents: Mapped[list] = mapped_column(JSON, default=list)
    docx_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(80))
    created_by_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    edition: Mapped[dict] = mapped_column(JSON, default=dict)
    rebuilt_from: Mapped[int | None] = mapped_column(Integer)


class Rubric(PracticesBase):
    """One version of a review rubric: criteria ``[{code, title, min, max, weight}]``.

    Editing a rubric adds a version under the same ``code``; an expert round keeps the version it chose,
    so reviews already given are read against the scales they were given on.
    """

    __tablename__ = "rubrics"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    criteria: Mapped[list] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ExpertRound(PracticesBase):
    """Independent expert reviews of one version of a submitted entry against one rubric version."""

    __tablename__ = "expert_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"), index=True)
    entry_version: Mapped[int] = mapped_column(Integer)
    municipality: Mapped[str] = mapped_column(String(40))
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubrics.id"))
    status: Mapped[str] = mapped_column(String(20), default="in_review")
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # A festival jury's round (services/festivals/jury.py): the published version of an entry entered
    # into a festival, scored by jurors drawn from ``panel`` (the festival's jury) instead of all reviewers.
    festival_id: Mapped[int | None] = mapped_column(Integer)
    festival_entry_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    festival_title: Mapped[str] = mapped_column(String(300), default="")
    panel: Mapped[list | None] = mapped_column(JSON)

    rubric: Mapped[Rubric] = relationship(lazy="joined", innerjoin=True)
    assignments: Mapped[list["ExpertAssignment"]] = relationship(
        order_by="ExpertAssignment.id", lazy="selectin")


class ExpertAssignment(PracticesBase):
    """An expert assigned to a round, and their review once submitted (``total`` is 0–100 %)."""

    __tablename__ = "expert_assignments"
    __table_args__ = (UniqueConstraint("round_id", "reviewer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("expert_rounds.id"), index=True)
    reviewer: Mapped[str] = mapped_column(String(80), index=True)
    reviewer_municipality: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="assigned", index=True)
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    total: Mapped[float | None] = mapped_column()
    recommendation: Mapped[str | None] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    field_comments: Mapped[dict] = mapped_column(JSON, default=dict)


class PracticesOutbox(OutboxMixin, PracticesBase):
    __tablename__ = "outbox"


class ProcessedEvent(ProcessedEventMixin, PracticesBase):
    __tablename__ = "processed_events"


class Adoption(PracticesBase):
    """A city taking up another city's published practice: ``adaptation_entry_id`` is its own draft,
    copied from ``original_version`` of the original. The adopter reports results once the report
    is due (``report_due_at``); ``report_requested_at`` says that it was asked to."""

    __tablename__ = "adoptions"
    __table_args__ = (UniqueConstraint("original_entry_id", "adopter_municipality"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    original_entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"), index=True)
    original_version: Mapped[int] = mapped_column(Integer)
    original_municipality: Mapped[str] = mapped_column(String(40), index=True)
    adaptation_entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"), unique=True)
    adopter_municipality: Mapped[str] = mapped_column(String(40), index=True)
    adopted_by: Mapped[str] = mapped_column(String(80))
    changes: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    adopted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    report_due_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    report_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    report_text: Mapped[str | None] = mapped_column(Text)
    reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reported_by: Mapped[str | None] = mapped_column(String(80))
    revision: Mapped[int] = mapped_column(Integer, default=1)
