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
from functools import cache
from importlib.metadata import entry_points

from marshmallow import Schema

MUNICIPALITIES = "practice_network.municipalities"
ENTRY_KINDS = "practice_network.entry_kinds"


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
    ``oktmo``: the 8-digit ОКТМО code of the municipal formation (``75734000`` for Кыштымский
    городской округ); open data names the city by it. Empty when a plugin does not give it.
    """

    code: str
    name: str
    region: str
    timezone: str
    organizations: tuple[Organization, ...] = field(default_factory=tuple)
    oktmo: str = ""


@dataclass(frozen=True)
class EntryKindPlugin:
    """A kind of registry entry (``best_practice``, ``career_trial``, …).

    The practices service validates an entry's content with the common fields (title, summary,
    direction, organization, tags) plus ``schema``, the kind's own marshmallow schema. Search indexes
    the common text fields plus the kind's ``searchable`` fields; the well-known fields ``profession``,
    ``grades`` and ``format``, when a kind has them, also become search filters.

    ``name``: stable identifier used in the API (``career_trial``); never change it.
    ``title``: what people read (``Профессиональная проба``).
    ``schema``: a marshmallow Schema class of the kind's own fields; ``@validates_schema`` methods
    on it carry cross-field rules.
    ``searchable``: names of the kind's text fields that full-text search should cover.
    ``has_sessions``: whether entries of this kind have dated sessions that schools book.
    ``example``: a valid content dict of the kind's own fields, used for the Excel import template.
    ``choice_titles``: for a field with closed values, ``{code: Russian title}`` that pages show
    (``{"format": {"in_person": "Очно", …}}``).
    ``units``: the unit pages write after a number field's value (``{"duration_hours": "ч"}``).
    """

    name: str
    title: str
    schema: type[Schema]
    searchable: tuple[str, ...] = ()
    has_sessions: bool = False
    example: dict = field(default_factory=dict)
    choice_titles: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)


def load_plugins(group):
    """Every installed plugin of ``group``, by entry point name, in name order."""
    found = {ep.name: ep.load() for ep in entry_points(group=group)}
    return dict(sorted(found.items()))


def municipalities():
    return load_plugins(MUNICIPALITIES)


@cache
def entry_kinds():
    """Installed entry kinds by name; read once per process (installing a kind needs a restart)."""
    return load_plugins(ENTRY_KINDS)
