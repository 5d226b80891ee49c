from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.db import UtcDateTime
from shared.messaging import OutboxMixin, ProcessedEventMixin, utcnow
from shared.replay import ReplayCheckpointMixin


class FestivalsBase(DeclarativeBase):
    """The festivals service's own metadata: no other service shares these tables."""


class Festival(FestivalsBase):
    """A festival, forum or contest of one city, or of the region (``municipality`` is None)."""

    __tablename__ = "festivals"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(300), default="")
    municipality: Mapped[str | None] = mapped_column(String(40), index=True)
    timezone: Mapped[str] = mapped_column(String(60))
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="published")
    revision: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The call for entries (festival_season.py): open from ``call_opened_at`` until ``call_deadline``;
    # ``rubric`` is the practices service's rubric code the jury scores by, unless a nomination has its own.
    call_opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    call_deadline: Mapped[datetime | None] = mapped_column(UtcDateTime)
    rubric: Mapped[str | None] = mapped_column(String(60))

    nominations: Mapped[list["Nomination"]] = relationship(order_by="Nomination.id", lazy="selectin")
    programme: Mapped[list["ProgrammeItem"]] = relationship(order_by="ProgrammeItem.starts_at", lazy="selectin")
    entries: Mapped[list["FestivalEntry"]] = relationship(order_by="FestivalEntry.id", lazy="selectin")
    jury: Mapped[list["Juror"]] = relationship(order_by="Juror.username", lazy="selectin")


class Nomination(FestivalsBase):
    __tablename__ = "nominations"
    __table_args__ = (UniqueConstraint("festival_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(ForeignKey("festivals.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    # The call's rules: entry kinds accepted (empty: any) and a rubric of its own (None: the festival's).
    kinds: Mapped[list] = mapped_column(JSON, default=list)
    rubric: Mapped[str | None] = mapped_column(String(60))
    # Why the organiser placed entries of equal totals as they did (kept with the results).
    tie_reason: Mapped[str] = mapped_column(Text, default="")


class ProgrammeItem(FestivalsBase):
    __tablename__ = "programme_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(ForeignKey("festivals.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    place: Mapped[str] = mapped_column(String(300), default="")
    speaker: Mapped[str] = mapped_column(String(300), default="")
    practice_id: Mapped[int | None] = mapped_column(Integer)


class FestivalEntry(FestivalsBase):
    """An approved practice entered into a nomination; ``place`` (or ``laureate``) is set by the results.

    ``status`` is ``submitted`` or ``withdrawn``; ``round_id`` is the practices service's expert round
    its jurors score in, once a jury is appointed."""

    __tablename__ = "festival_entries"
    __table_args__ = (UniqueConstraint("nomination_id", "practice_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(ForeignKey("festivals.id"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"))
    practice_id: Mapped[int] = mapped_column(Integer)
    practice_title: Mapped[str] = mapped_column(String(300))
    municipality: Mapped[str] = mapped_column(String(40))
    entered_by: Mapped[str] = mapped_column(String(80))
    place: Mapped[int | None] = mapped_column(Integer)
    laureate: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    application: Mapped[str] = mapped_column(Text, default="")
    resources: Mapped[list] = mapped_column(JSON, default=list)
    entered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=utcnow)
    round_id: Mapped[int | None] = mapped_column(Integer)
    round_status: Mapped[str | None] = mapped_column(String(20))
    # A regional entry put forward from a city festival it won: that festival, by id and title.
    from_festival_id: Mapped[int | None] = mapped_column(Integer)
    from_festival_title: Mapped[str] = mapped_column(String(300), default="")

    scores: Mapped[list["JuryScore"]] = relationship(order_by="JuryScore.juror", lazy="selectin")


class Juror(FestivalsBase):
    """An account the organiser named to the festival's jury, with its city (None: regional)."""

    __tablename__ = "festival_jurors"

    festival_id: Mapped[int] = mapped_column(ForeignKey("festivals.id"), primary_key=True)
    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    municipality: Mapped[str | None] = mapped_column(String(40))
    full_name: Mapped[str] = mapped_column(String(200), default="")


class JuryScore(FestivalsBase):
    """A juror's submitted score of an entry, learnt from the practices service's festival_jury_scored."""

    __tablename__ = "jury_scores"

    entry_id: Mapped[int] = mapped_column(ForeignKey("festival_entries.id"), primary_key=True)
    juror: Mapped[str] = mapped_column(String(80), primary_key=True)
    total: Mapped[float] = mapped_column()
    scores: Mapped[dict] = mapped_column(JSON, default=dict)


class KnownPractice(FestivalsBase):
    """Published practices, learnt from the practices service's events: what can be entered."""

    __tablename__ = "known_practices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    municipality: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40), default="")
    published: Mapped[bool] = mapped_column(default=False)
    revision: Mapped[int] = mapped_column(Integer)


class KnownMunicipality(FestivalsBase):
    """Cities and their time zones, learnt from the catalog's events."""

    __tablename__ = "known_municipalities"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(60))


class FestivalsOutbox(OutboxMixin, FestivalsBase):
    __tablename__ = "outbox"


class ProcessedEvent(ProcessedEventMixin, FestivalsBase):
    __tablename__ = "processed_events"


class ReplayCheckpoint(ReplayCheckpointMixin, FestivalsBase):
    __tablename__ = "replay_checkpoints"
