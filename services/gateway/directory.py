"""Reads of the network directory, served from the read model."""
from sqlalchemy import func, select

from services.gateway.models import MunicipalityView, OrganizationView
from shared.errors import NotFound


def municipalities(session):
    return session.scalars(select(MunicipalityView).order_by(MunicipalityView.name)).all()


def municipality(session, code):
    found = session.get(MunicipalityView, code)
    if found is None:
        raise NotFound(f"Муниципалитет «{code}» не найден")
    return found


def organizations(session, municipality=None, kind=None, page=1, per_page=20):
    query = select(OrganizationView)
    if municipality:
        query = query.where(OrganizationView.municipality == municipality)
    if kind:
        query = query.where(OrganizationView.kind == kind)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    items = session.scalars(
        query.order_by(OrganizationView.name).offset((page - 1) * per_page).limit(per_page)).all()
    return items, total
