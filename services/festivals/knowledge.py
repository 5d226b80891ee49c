"""What the festivals service learns from others' events: published practices and city time zones."""
from services.festivals.models import KnownMunicipality, KnownPractice, ProcessedEvent, ReplayCheckpoint
from shared.events import PRACTICE_EVENTS
from shared.replay import EventLogReader


def practice_changed(session, data):
    known = session.get(KnownPractice, data["id"])
    if known is not None and known.revision >= data["revision"]:
        return
    published = data["published"]
    session.merge(KnownPractice(id=data["id"], municipality=data["municipality"], revision=data["revision"],
                                title=published["title"] if published else (known.title if known else ""),
                                published=published is not None))


def municipality_registered(session, data):
    session.merge(KnownMunicipality(code=data["code"], name=data["name"], timezone=data["timezone"]))


READER = EventLogReader(ProcessedEvent, ReplayCheckpoint, ("catalog", "practices"), {
    "municipality_registered": municipality_registered,
    **{name: practice_changed for name in PRACTICE_EVENTS},
})
