"""The plugin API: every extension point of Сеть практик, and how plugins are found.

A plugin is an installed Python package that declares an entry point in one of the groups below; the
entry point names an *instance* of the interface class. The core only talks to these interfaces, and
the built-in cities are written exactly as an outside package would write them (compare
``services/catalog/municipalities/kyshtym.py`` with ``plugins/sysert``).

Example ``pyproject.toml`` of a city plugin::

    [project.entry-points."practice_network.municipalities"]
    sysert = "sysert_municipality:municipality"

Plugins import only this module.
"""
from dataclasses import dataclass, field
from importlib.metadata import entry_points

MUNICIPALITIES = "practice_network.municipalities"


@dataclass(frozen=True)
class Organization:
    """A school, an additional-education centre (УДО), an education department or an institute."""

    name: str
    kind: str  # one of ORGANIZATION_KINDS


ORGANIZATION_KINDS = {
    "department": "Управление образования",
    "additional_education": "Учреждение дополнительного образования",
    "school": "Школа",
    "institute": "Институт",
}


@dataclass(frozen=True)
class MunicipalityPlugin:
    """A city (or district) that joins the network.

    The catalog service registers every installed municipality when it starts (and on
    ``practice-network migrate``): it creates the city and its organisations if missing and updates
    names that changed. Nothing is deleted when a plugin is uninstalled: entries stay owned by the city.

    ``code``: stable lowercase Latin identifier used in URLs (``kyshtym``); never change it.
    ``name``: the Russian name people read (``Кыштым``).
    ``region``: the subject of the federation (``Челябинская область``).
    ``timezone``: IANA name used for festival and session times (``Asia/Yekaterinburg``).
    ``organizations``: the organisations that publish or book in this city.
    """

    code: str
    name: str
    region: str
    timezone: str
    organizations: tuple[Organization, ...] = field(default_factory=tuple)


def load_plugins(group):
    """Every installed plugin of ``group``, by entry point name, in name order."""
    found = {ep.name: ep.load() for ep in entry_points(group=group)}
    return dict(sorted(found.items()))


def municipalities():
    return load_plugins(MUNICIPALITIES)
