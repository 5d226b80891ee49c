from sqlalchemy.orm import DeclarativeBase

from shared.messaging import OutboxMixin, ProcessedEventMixin


class PracticesBase(DeclarativeBase):
    """The practices service's own metadata: no other service shares these tables."""


class PracticesOutbox(OutboxMixin, PracticesBase):
    __tablename__ = "outbox"


class ProcessedEvent(ProcessedEventMixin, PracticesBase):
    __tablename__ = "processed_events"
