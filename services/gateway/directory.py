"""Reads of the network directory, served from the read model."""
from sqlalchemy import select

from services.gateway.models import MunicipalityView, OrganizationView
from shared.db import paginate
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
    return paginate(session, query, OrganizationView.name, page=page, per_page=per_page)
