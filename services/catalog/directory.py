"""The directory of the network: municipalities (from installed plugins) and their organisations."""
from sqlalchemy import func, select

from services.catalog.models import CatalogOutbox, Municipality, Organization
from shared.auth import ADMIN, require_role
from shared.db import paginate
from shared.errors import Conflict, NotFound
from shared.messaging import record
from shared.plugins import municipalities as installed_municipalities
from shared.plugins import municipality_sources


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
    if _named(session, code, org.name) is None:
        _add_organization(session, code, org.name, org.kind)


def _named(session, code, name):
    query = select(Organization).where(Organization.municipality_code == code, Organization.name == name)
    return session.scalars(query).first()


def _add_organization(session, code, name, kind):
    organization = Organization(municipality_code=code, name=name, kind=kind)
    session.add(organization)
    session.flush()
    record(session, CatalogOutbox, "organization_registered", {
        "id": organization.id, "municipality": code, "name": name, "kind": kind})
    return organization


def add_organization(session, actor, data):
    """An administrator adds an organisation that the city's plugin does not list (``NewOrganizationSchema``)."""
    require_role(actor, ADMIN)
    get_municipality(session, data["municipality"])
    if _named(session, data["municipality"], data["name"]) is not None:
        raise Conflict("Такая организация в этом муниципалитете уже есть", {"name": ["Уже есть в справочнике"]})
    return _add_organization(session, data["municipality"], data["name"], data["kind"])


def municipality_plugins(session, actor):
    """Every registered municipality with the plugin that describes it and its number of organisations."""
    require_role(actor, ADMIN)
    sources = municipality_sources()
    counts = dict(session.execute(select(Organization.municipality_code, func.count())
                                  .group_by(Organization.municipality_code)).all())
    return [{**{key: getattr(city, key) for key in ("code", "name", "region", "timezone", "oktmo")},
             "plugin": sources.get(city.code), "organizations": counts.get(city.code, 0)}
            for city in list_municipalities(session)]


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
