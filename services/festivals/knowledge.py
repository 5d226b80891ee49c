"""What the festivals service learns from others' events: published practices, city time zones and
the jury's scores (given on the practices service's expert workbench).

Only the events that change what is published are followed (a draft's thousand edits are not ours).
"""
from services.festivals import jury
from services.festivals.models import KnownMunicipality, KnownPractice, ProcessedEvent, ReplayCheckpoint
from shared.db import stored_revision, upsert
from shared.events import EVENTS, PUBLICATION_EVENTS
from shared.replay import EventLogReader


def practice_changed(session, data):
    known = stored_revision(session, KnownPractice, data["id"])
    if known is not None and known >= data["revision"]:
        return
    published = data["published"]
    values = {"id": data["id"], "municipality": data["municipality"], "revision": data["revision"],
              "kind": data["kind"], "published": published is not None}
    if published or known is None:  # an unpublished change keeps the title last published
        values["title"] = published["title"] if published else ""
    upsert(session, KnownPractice, values, newer_only=True)


def municipality_registered(session, data):
    upsert(session, KnownMunicipality, {"code": data["code"], "name": data["name"], "timezone": data["timezone"]})


READER = EventLogReader(ProcessedEvent, ReplayCheckpoint, ("catalog", "practices"), {
    "municipality_registered": municipality_registered,
    "festival_jury_scored": jury.juror_scored,
    **{name: practice_changed for name in PUBLICATION_EVENTS},
})
# Every event READER handles, from the service that announces it (the queues of service.py's ``learn``).
SOURCES = {name: EVENTS[name].source for name in READER.handlers}
