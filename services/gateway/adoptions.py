"""Adoptions in the read model: which city took up which practice, their reports, and how practices spread."""
from sqlalchemy import func, select

from services.gateway import views
from services.gateway.models import AdoptionView
from shared.db import upsert
from shared.schemas import page_of

COLUMNS = tuple(column.name for column in AdoptionView.__table__.columns)


def adoption_changed(session, data):
    """Any of ADOPTION_EVENTS: the adoption's whole state, newer revisions only."""
    upsert(session, AdoptionView, {name: data[name] for name in COLUMNS}, newer_only=True)


def of_practice(session, entry_id):
    """Every adoption of practice ``entry_id``, oldest first, with the adopters' city names."""
    query = select(AdoptionView).where(AdoptionView.original_entry_id == entry_id).order_by(AdoptionView.id)
    return _shown(session, session.scalars(query).all())


def based_on(session, entry_id):
    """The adoption that made entry ``entry_id`` (an adaptation), or None."""
    query = select(AdoptionView).where(AdoptionView.adaptation_entry_id == entry_id)
    found = _shown(session, session.scalars(query).all())
    return found[0] if found else None


def listing(session, adopter=None, original=None, awaiting_report=False, page=1, per_page=20):
    """A page of adoptions, newest first: by adopting city, by original city, or only those whose
    results report was asked for and not yet given."""
    query = select(AdoptionView)
    if adopter:
        query = query.where(AdoptionView.adopter_municipality == adopter)
    if original:
        query = query.where(AdoptionView.original_municipality == original)
    if awaiting_report:
        query = query.where(AdoptionView.report_requested_at.is_not(None), AdoptionView.reported_at.is_(None))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(AdoptionView.id.desc()).offset((page - 1) * per_page).limit(per_page))
    return page_of(_shown(session, rows.all()), total, page, per_page)


def spread(session):
    """How practices spread: adoptions per practice (most adopted first) and per pair of cities."""
    names = views.municipality_names(session)
    per_practice = session.execute(
        select(AdoptionView.original_entry_id, AdoptionView.original_title, AdoptionView.original_municipality,
               func.count(), func.count(AdoptionView.reported_at))
        .group_by(AdoptionView.original_entry_id, AdoptionView.original_title, AdoptionView.original_municipality)
        .order_by(func.count().desc(), AdoptionView.original_entry_id)).all()
    per_pair = session.execute(
        select(AdoptionView.original_municipality, AdoptionView.adopter_municipality,
               func.count(), func.count(AdoptionView.reported_at))
        .group_by(AdoptionView.original_municipality, AdoptionView.adopter_municipality)
        .order_by(func.count().desc(), AdoptionView.original_municipality, AdoptionView.adopter_municipality)).all()
    return {
        "practices": [{"entry_id": entry_id, "title": title, "municipality": city,
                       "municipality_name": names.get(city, city), "adoptions": count, "reported": reported}
                      for entry_id, title, city, count, reported in per_practice],
        "city_pairs": [{"from": source, "from_name": names.get(source, source), "to": target,
                        "to_name": names.get(target, target), "adoptions": count, "reported": reported}
                       for source, target, count, reported in per_pair],
    }


def _shown(session, rows):
    names = views.municipality_names(session)
    return [{**{name: getattr(row, name) for name in COLUMNS},
             "original_municipality_name": names.get(row.original_municipality, row.original_municipality),
             "adopter_municipality_name": names.get(row.adopter_municipality, row.adopter_municipality)}
            for row in rows]
