"""The gateway's read model: cross-city views projected from the owning services' events only."""
from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.messaging import ProcessedEventMixin


class ReadModelBase(DeclarativeBase):
    """The gateway's own metadata; each gateway replica has a database of its own."""


class MunicipalityView(ReadModelBase):
    __tablename__ = "municipalities"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(60))


class OrganizationView(ReadModelBase):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    municipality: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))


class ProcessedEvent(ProcessedEventMixin, ReadModelBase):
    __tablename__ = "processed_events"


class ReplayCheckpoint(ReadModelBase):
    """How far the read model has read each owning service's event log by replay."""

    __tablename__ = "replay_checkpoints"

    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
