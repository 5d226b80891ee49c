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
from marshmallow.validate import Range

from shared.wording import decimal as decimal_text
from shared.wording import numbers_text

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
    the common text fields plus the kind's ``searchable`` fields. Two field names are the search's
    own dimensions (:data:`SEARCH_CHOICE`, :data:`SEARCH_RANGE`): a kind that has a closed field
    ``format`` gets it as the «Формат» filter and facet, titled by the kind's own choices, and a list
    of whole numbers ``grades`` (classes 1–11) as the «Класс» filter; ``profession`` is shown on
    search results.

    ``name``: stable identifier used in the API (``career_trial``); never change it.
    ``title``: what people read (``Профессиональная проба``).
    ``schema``: a marshmallow Schema class of the kind's own fields; ``@validates_schema`` methods
    on it carry cross-field rules. A closed field is ``validate.OneOf`` of its codes, a range field
    a ``fields.List`` of integers with ``validate.Range`` (the form shows one box per number).
    ``searchable``: names of the kind's text fields that full-text search should cover.
    ``has_sessions``: whether entries of this kind have dated sessions that schools book.
    ``example``: a valid content dict of the kind's own fields, used for the Excel import template.
    ``sheet_columns``: how the Excel import titles and reads the kind's fields, by field name
    (:class:`SheetColumn`); a field left out is titled by its ``description`` metadata (or its name)
    and read as written.
    ``labels``: what the forms, pages and the printed collection call a field, where its sheet
    column's title is not the word (``{"format": "Формат проведения"}``); see :meth:`label`.
    ``choice_titles`` (derived): for a field with closed values, ``{code: Russian title}`` that pages
    show, taken from its sheet column's ``choices`` (``{"format": {"in_person": "Очно", …}}``).
    ``units``: the unit pages write after a number field's value (``{"duration_hours": "ч"}``); the
    form's label gets it too («Продолжительность, ч»).
    ``shown_as``: for a field pages should write in words of their own, a function from the stored
    value to the text (``{"grades": grades_text}`` writes ``[8, 9]`` as «8–9 классы»); any other
    list of whole numbers is written as ranges («1–4, 6»).
    ``schema_org``: a function from a published entry (its content dict) to the schema.org properties
    its own fields add to the entry's JSON-LD (``{"about": {"@type": "Occupation", …}}``); the entry
    is a ``Course`` when the kind has sessions, else a ``LearningResource``.
    """

    name: str
    title: str
    schema: type[Schema]
    searchable: tuple[str, ...] = ()
    has_sessions: bool = False
    example: dict = field(default_factory=dict)
    sheet_columns: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    shown_as: dict = field(default_factory=dict)
    schema_org: Callable | None = None

    @property
    def choice_titles(self):
        return {name: column.choices for name, column in self.sheet_columns.items() if column.choices}

    def label(self, name):
        """What people read for the kind's field ``name``: ``labels``, else the sheet column's title,
        else the field's ``description``, else the name itself."""
        if name in self.labels:
            return self.labels[name]
        if name in self.sheet_columns:
            return self.sheet_columns[name].title
        declared = self.schema._declared_fields.get(name)
        return (declared.metadata.get("description") if declared else None) or name

    def shown(self, name, value):
        """Field ``name``'s stored ``value`` as pages and the printed collection write it ("" for
        nothing): ``shown_as``, titles of closed values, whole numbers as ranges, a number with a
        decimal comma and its unit."""
        if value is None or value == "" or value == []:
            return ""
        if name in self.shown_as:
            return self.shown_as[name](value)
        titles = self.choice_titles.get(name, {})
        if isinstance(value, list) and all(isinstance(item, int) and not isinstance(item, bool) for item in value):
            return numbers_text(value)
        if isinstance(value, list):
            return ", ".join(str(titles.get(item, item)) for item in value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            unit = self.units.get(name)
            return f"{decimal_text(value)} {unit}" if unit else decimal_text(value)
        return str(titles.get(value, value))


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


def iso_duration(hours):
    """``3.5`` → ``PT3H30M`` (ISO 8601, as schema.org's Duration)."""
    minutes = round(float(hours) * 60)
    whole, rest = divmod(minutes, 60)
    return "PT" + (f"{whole}H" if whole else "") + (f"{rest}M" if rest or not whole else "")


def load_plugins(group):
    """Every installed plugin of ``group``, by entry point name, in name order."""
    found = {ep.name: ep.load() for ep in entry_points(group=group)}
    return dict(sorted(found.items()))


# The field names search files every kind's entries under (see EntryKindPlugin).
SEARCH_CHOICE = "format"
SEARCH_RANGE = "grades"


def choices_of(name):
    """``{code: title}`` of the closed field ``name`` over every installed kind that has it (a code two
    kinds share keeps the first kind's title): the search's «Формат» options and facet titles."""
    found = {}
    for kind in entry_kinds().values():
        for code, title in kind.choice_titles.get(name, {}).items():
            found.setdefault(code, title)
    return found


def numbers_of(name):
    """The whole numbers the range field ``name`` may hold in any installed kind, in order (from its
    items' ``validate.Range``): the search's «Класс» options."""
    found = set()
    for kind in entry_kinds().values():
        declared = kind.schema._declared_fields.get(name)
        inner = getattr(declared, "inner", None)
        for rule in getattr(inner, "validators", ()):
            if isinstance(rule, Range) and rule.min is not None and rule.max is not None:
                found.update(range(rule.min, rule.max + 1))
    return sorted(found)


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
