"""The directory of the network: municipalities (from installed plugins) and their organisations."""
from sqlalchemy import select

from services.catalog.models import CatalogOutbox, Municipality, Organization
from shared.db import paginate
from shared.errors import NotFound
from shared.messaging import record
from shared.plugins import municipalities as installed_municipalities


def register_installed_municipalities(sessions, plugins=None):
    """Create or update every installed municipality plugin and its organisations; idempotent."""
    plugins = installed_municipalities() if plugins is None else plugins
    with sessions.begin() as session:
        for plugin in plugins.values():
            _register_municipality(session, plugin)


def _register_municipality(session, plugin):
    fields = {"name": plugin.name, "region": plugin.region, "timezone": plugin.timezone, "oktmo": plugin.oktmo}
    city = session.get(Municipality, plugin.code)
    if city is None:
        city = Municipality(code=plugin.code, **fields)
        session.add(city)
    elif all(getattr(city, key) == value for key, value in fields.items()):
        fields = None
    else:
        for key, value in fields.items():
            setattr(city, key, value)
    if fields is not None:
        record(session, CatalogOutbox, "municipality_registered", {"code": plugin.code, **fields})
    for org in plugin.organizations:
        _register_organization(session, plugin.code, org)


def _register_organization(session, code, org):
    query = select(Organization).where(
        Organization.municipality_code == code, Organization.name == org.name)
    if session.scalars(query).first() is not None:
        return
    organization = Organization(municipality_code=code, name=org.name, kind=org.kind)
    session.add(organization)
    session.flush()
    record(session, CatalogOutbox, "organization_registered", {
        "id": organization.id, "municipality": code, "name": org.name, "kind": org.kind})


def list_municipalities(session):
    return session.scalars(select(Municipality).order_by(Municipality.name)).all()


def get_municipality(session, code):
    city = session.get(Municipality, code)
    if city is None:
        raise NotFound(f"Муниципалитет «{code}» не найден", {"municipality": ["Нет такого кода"]})
    return city


def list_organizations(session, municipality=None, kind=None, page=1, per_page=20):
    """A page of organisations, optionally of one municipality and kind, by name."""
    query = select(Organization)
    if municipality:
        get_municipality(session, municipality)
        query = query.where(Organization.municipality_code == municipality)
    if kind:
        query = query.where(Organization.kind == kind)
    return paginate(session, query, Organization.name, page=page, per_page=per_page)
