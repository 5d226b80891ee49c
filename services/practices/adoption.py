"""Adoption lineage («Внедрить у себя»): a methodist of another city takes up a published practice.

The adopter's city gets a draft of its own, copied from the original's published version and linked
to it; after ``report_after_days`` the adopter is asked (once) for a short report on the results.
Every step is an event (``practice_adopted``, ``adoption_report_due``, ``adoption_reported``) carrying
the adoption's whole state, so read models need nothing else.
"""
from datetime import timedelta

from sqlalchemy import select, update

from services.practices.contract import AdoptionSchema, EntrySchema
from services.practices.models import Adoption, EntryVersion, PracticesOutbox
from services.practices.registry import (
    create_entries,
    entry_view,
    get_visible_entry,
    published_version,
    working_version,
)
from shared.auth import METHODIST, require_city, require_role
from shared.db import get_row
from shared.errors import Conflict, NotFound
from shared.messaging import record, utcnow

DEFAULT_REPORT_AFTER_DAYS = 182
# Reports fall due after months: looking once every ten minutes is early enough.
DUE_CHECK_SECONDS = 600


def adopt_entry(session, actor, entry_id, data, report_after_days=DEFAULT_REPORT_AFTER_DAYS):
    """Copy the published version of ``entry_id`` into a draft of the actor's city, linked to it.
    Returns ``(adaptation entry, adoption view)``."""
    require_role(actor, METHODIST)
    original = get_visible_entry(session, actor, entry_id)
    if original.municipality == actor.municipality:
        raise Conflict("Внедрить у себя можно практику другого города; свою можно изменить",
                       {"entry_id": ["Это практика вашего города"]})
    published = published_version(original)
    if published is None:
        raise Conflict("Внедрить можно только опубликованную запись", {"status": [original.status]})
    if _adopted_by_city(session, entry_id, actor.municipality):
        raise Conflict("Ваш город уже внедряет эту практику", {"entry_id": ["Адаптация уже создана"]})
    adaptation = create_entries(session, actor, [(original.kind, dict(published.content))])[0]
    adopted_at = utcnow()
    adoption = Adoption(
        original_entry_id=original.id, original_version=published.number,
        original_municipality=original.municipality, adaptation_entry_id=adaptation.id,
        adopter_municipality=actor.municipality, adopted_by=actor.username,
        changes=data["changes"], reason=data["reason"], adopted_at=adopted_at,
        report_due_at=adopted_at + timedelta(days=report_after_days), revision=1)
    session.add(adoption)
    session.flush()
    announce(session, adoption, "practice_adopted", actor.username)
    return adaptation, view(session, adoption)


def adopted_draft(adaptation, adoption):
    """The answer of API.md: the new draft with ``based_on``, and the ``adoption`` view beside it."""
    draft = EntrySchema().dump(entry_view(adaptation, working_version(adaptation)))
    return {**draft, **{key: value for key, value in adoption.items() if key != "id"}, "adoption_id": adoption["id"],
            "based_on": {"id": adoption["original_entry_id"], "version": adoption["original_version"],
                         "municipality": adoption["original_municipality"]}}


def report_results(session, actor, adoption_id, text):
    """The adopter's city tells how the adaptation went; once."""
    adoption = get_adoption(session, adoption_id, for_update=True)
    require_city(actor, adoption.adopter_municipality, METHODIST)
    if adoption.reported_at is not None:
        raise Conflict("Отчёт о результатах уже представлен", {"text": ["Отчёт уже есть"]})
    adoption.report_text, adoption.reported_at, adoption.reported_by = text, utcnow(), actor.username
    adoption.revision += 1
    announce(session, adoption, "adoption_reported", actor.username)
    return view(session, adoption)


def request_due_reports(session, as_of):
    """Ask for every report due by ``as_of`` and not yet asked for or given; returns their ids.

    Each is claimed with a conditional UPDATE, so replicas running this at once ask only once.
    """
    due = session.scalars(select(Adoption.id).where(
        Adoption.report_due_at <= as_of, Adoption.report_requested_at.is_(None),
        Adoption.reported_at.is_(None)).order_by(Adoption.id)).all()
    asked = []
    for adoption_id in due:
        claimed = session.execute(
            update(Adoption).where(Adoption.id == adoption_id, Adoption.report_requested_at.is_(None))
            .values(report_requested_at=as_of, revision=Adoption.revision + 1))
        if claimed.rowcount == 1:
            adoption = session.get(Adoption, adoption_id, populate_existing=True)
            announce(session, adoption, "adoption_report_due", None)
            asked.append(adoption_id)
    return asked


def get_adoption(session, adoption_id, for_update=False):
    return get_row(session, Adoption, adoption_id, NotFound(f"Внедрение №{adoption_id} не найдено"), for_update)


def _adopted_by_city(session, entry_id, municipality):
    query = select(Adoption.id).where(Adoption.original_entry_id == entry_id,
                                      Adoption.adopter_municipality == municipality)
    return session.scalar(query) is not None


def view(session, adoption):
    """The adoption as its schema shows it, with the title of the adopted version."""
    title = session.scalar(select(EntryVersion.content).where(
        EntryVersion.entry_id == adoption.original_entry_id,
        EntryVersion.number == adoption.original_version))["title"]
    return {**AdoptionSchema().dump(adoption), "original_title": title}


def announce(session, adoption, name, actor):
    record(session, PracticesOutbox, name, {**view(session, adoption), "actor": actor})
