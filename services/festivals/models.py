from sqlalchemy.orm import DeclarativeBase

from shared.messaging import OutboxMixin, ProcessedEventMixin


class FestivalsBase(DeclarativeBase):
    """The festivals service's own metadata: no other service shares these tables."""


class FestivalsOutbox(OutboxMixin, FestivalsBase):
    __tablename__ = "outbox"


class ProcessedEvent(ProcessedEventMixin, FestivalsBase):
    __tablename__ = "processed_events"
