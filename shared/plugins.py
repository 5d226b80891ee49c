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
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import entry_points

from marshmallow import Schema

MUNICIPALITIES = "practice_network.municipalities"
ENTRY_KINDS = "practice_network.entry_kinds"
DIRECTIONS = "practice_network.directions"


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
    ``sheet_columns``: how the Excel import titles and reads the kind's fields, by field name
    (:class:`SheetColumn`); a field left out is titled by its ``description`` metadata (or its name)
    and read as written.
    ``choice_titles`` (derived): for a field with closed values, ``{code: Russian title}`` that pages
    show, taken from its sheet column's ``choices`` (``{"format": {"in_person": "Очно", …}}``).
    ``units``: the unit pages write after a number field's value (``{"duration_hours": "ч"}``).
    """

    name: str
    title: str
    schema: type[Schema]
    searchable: tuple[str, ...] = ()
    has_sessions: bool = False
    example: dict = field(default_factory=dict)
    sheet_columns: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)

    @property
    def choice_titles(self):
        return {name: column.choices for name, column in self.sheet_columns.items() if column.choices}


class CellError(ValueError):
    """A cell's text cannot become the field's value; the message (Russian) says what is expected."""


@dataclass(frozen=True)
class SheetColumn:
    """One column of the Excel template and import.

    ``title``: the column's Russian title in the file (and in error messages).
    ``choices``: for a closed field, the stored code → the label the forms show; the template gets a
    dropdown of the labels and the import accepts either (case and surrounding spaces ignored).
    ``parse``: turns the cell's text into the field's value, raising :class:`CellError`; ``None``
    keeps the text. ``hint`` and ``example`` explain the column on the template's «Пояснения» sheet.
    """

    title: str
    choices: dict = field(default_factory=dict)
    parse: Callable | None = None
    hint: str = ""
    example: str = ""


def number_list(text):
    """Whole numbers as methodists write them: «8-9», «8–9», «8, 9, 10», «8 9», «8; 10»."""
    numbers = []
    for part in re.split(r"[,;\s]+", re.sub(r"\s*[-–—]\s*", "-", str(text).strip())):
        bounds = re.fullmatch(r"(\d+)-(\d+)", part)
        if bounds and int(bounds[1]) <= int(bounds[2]):
            numbers += range(int(bounds[1]), int(bounds[2]) + 1)
        elif part.isdigit():
            numbers.append(int(part))
        elif part:
            raise CellError(f"«{part}» — не число; пишите, например, «8-9» или «8, 9, 10»")
    return numbers


def decimal(text):
    """A number with a decimal comma or point: «1,5», «1.5», «4»."""
    try:
        return float(str(text).strip().replace(",", ".").replace(" ", ""))
    except ValueError:
        raise CellError(f"«{text}» — не число; пишите, например, «1,5»") from None


def load_plugins(group):
    """Every installed plugin of ``group``, by entry point name, in name order."""
    found = {ep.name: ep.load() for ep in entry_points(group=group)}
    return dict(sorted(found.items()))


def municipalities():
    return load_plugins(MUNICIPALITIES)


def municipality_sources():
    """Where each installed municipality plugin comes from, by its city's code: the entry point's name and
    module, and the package (distribution) that declares it, with its version."""
    found = {}
    for ep in entry_points(group=MUNICIPALITIES):
        package = ep.dist.name if ep.dist else ""
        version = ep.dist.version if ep.dist else ""
        found[ep.load().code] = {"name": ep.name, "module": ep.value, "package": package, "version": version}
    return found


@cache
def entry_kinds():
    """Installed entry kinds by name; read once per process (installing a kind needs a restart)."""
    return load_plugins(ENTRY_KINDS)


@dataclass(frozen=True)
class Direction:
    """A direction of work an entry belongs to (the closed list people choose from).

    ``code``: stable lowercase Latin identifier stored with entries and used in the API (``mentoring``).
    ``title``: what people read (``Наставничество``).

    A plugin adds directions by an entry point in ``practice_network.directions`` naming a Direction
    or a tuple of them::

        [project.entry-points."practice_network.directions"]
        ecology = "sysert_municipality:ecology"
    """

    code: str
    title: str


BUILTIN_DIRECTIONS = (
    Direction("self_determination", "Профессиональное самоопределение"),
    Direction("mentoring", "Наставничество"),
    Direction("digital_environment", "Цифровая образовательная среда"),
    Direction("digital_literacy", "Цифровая грамотность"),
    Direction("stem", "Инженерное и естественно-научное образование"),
    Direction("technical_creativity", "Техническое творчество"),
    Direction("it", "Информационные технологии"),
    Direction("teacher_training", "Повышение квалификации педагогов"),
    Direction("networking", "Сетевое взаимодействие"),
    Direction("patriotic", "Патриотическое воспитание"),
    Direction("inclusive", "Инклюзивное образование"),
    Direction("gifted", "Работа с одарёнными детьми"),
)


@cache
def directions():
    """Every direction, code → title: the built-in ones, then those of installed plugins."""
    found = {direction.code: direction.title for direction in BUILTIN_DIRECTIONS}
    for plugged in load_plugins(DIRECTIONS).values():
        for direction in plugged if isinstance(plugged, (tuple, list)) else (plugged,):
            found.setdefault(direction.code, direction.title)
    return found


def direction_code(value):
    """The code a person or a file means: a code itself, or a title in any letter case; None if unknown."""
    known = directions()
    if value in known:
        return value
    wanted = (value or "").strip().casefold()
    return next((code for code, title in known.items() if title.casefold() == wanted or code == wanted), None)


def direction_title(value):
    """What a stored direction reads as: its title; text stored before the list existed, as it is."""
    return directions().get(value, value or "")
