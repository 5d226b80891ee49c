"""How each event changes the read model, and how the read model catches up or is rebuilt.

Events normally arrive from RabbitMQ. Anything missed (the gateway was down, a new replica starts,
the read model was lost) is fetched by :func:`catch_up` from the owners' event logs; both paths go
through :func:`project`, which applies each event id at most once.
"""
import logging

from sqlalchemy import delete, func, select

from services.gateway.models import (
    MunicipalityView, OrganizationView, ProcessedEvent, ReadModelBase, ReplayCheckpoint,
)
from shared.config import SERVICES
from shared.messaging import apply_once

log = logging.getLogger(__name__)
REPLAY_PAGE = 500


def municipality_registered(session, data):
    session.merge(MunicipalityView(**data))


def organization_registered(session, data):
    session.merge(OrganizationView(**data))


PROJECTIONS = {
    "municipality_registered": municipality_registered,
    "organization_registered": organization_registered,
}


def project(sessions, name, payload):
    return apply_once(sessions, ProcessedEvent, name, payload, PROJECTIONS[name])


def catch_up(sessions, fetch_events):
    """Apply every event the owners logged after our checkpoints; ``fetch_events(source, after)``
    returns ``[(position, envelope)]``. Returns how many events were read."""
    read = 0
    for source in SERVICES:
        while True:
            after = _checkpoint(sessions, source)
            batch = fetch_events(source, after)
            for _, envelope in batch:
                if envelope["event_type"] in PROJECTIONS:
                    project(sessions, envelope["event_type"], envelope)
            _advance(sessions, source, batch[-1][0] if batch else after)
            read += len(batch)
            if len(batch) < REPLAY_PAGE:
                break
    return read


def _checkpoint(sessions, source):
    with sessions() as session:
        checkpoint = session.get(ReplayCheckpoint, source)
        return checkpoint.position if checkpoint else 0


def _advance(sessions, source, position):
    with sessions.begin() as session:
        session.merge(ReplayCheckpoint(source=source, position=position))


def caught_up(sessions):
    """Whether the read model has read every owner's event log at least once since it was (re)built."""
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(ReplayCheckpoint)) == len(SERVICES)


def reset(sessions):
    """Empty the read model so that the next catch-up rebuilds it from the owners' logs."""
    with sessions.begin() as session:
        for table in reversed(ReadModelBase.metadata.sorted_tables):
            session.execute(delete(table))
