"""Typesetting a сборник as a Russian institute publishes it (DOMAIN.md, «What the people expect»).

A ``Book`` holds the front matter (``Edition``) and the practices as articles grouped into chapters
(by city or by direction); services/practices/book_docx.py lays it out for Word and LibreOffice,
services/practices/book_pdf.py as a PDF.
"""
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from services.practices.contract import CommonContentSchema
from shared.licenses import license_of
from shared.plugins import direction_title, entry_kinds
from shared.text import printable

NETWORK = "Сеть практик"
REGION_TIMEZONE = "Asia/Yekaterinburg"  # Челябинская область; a city's own zone comes with its edition
NO_DIRECTION = "Другие направления"
MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
          "ноября", "декабря")
# How a printed article names the common fields; a kind's own fields are named by its plugin.
LABELS = {"direction": "Направление", "tags": "Ключевые слова", "license": "Лицензия"}
# Printed elsewhere in the article: its heading, lead paragraph, byline and organisation.
NOT_LISTED = {"title", "summary", "organization", "authors"}
AUTHORS_FIELD = "authors"  # the version's list of authors: «Фамилия И. О.» or {"full_name", "position"}


def text(value):
    """Every piece of stored text passes here on its way into the book (one place to clean it): text stored
    before the input rules could hold characters a DOCX (XML) cannot."""
    return printable(str(value or "")).strip()


@dataclass
class Edition:
    """The front matter entered when the collection is made, and who publishes it where."""

    title: str
    publisher: str = NETWORK
    place: str = ""
    timezone: str = REGION_TIMEZONE
    compilers: str = ""
    annotation: str = ""
    foreword: str = ""
    order: str = "municipality"
    built_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self):
        for name in ("title", "publisher", "place", "compilers", "annotation", "foreword"):
            setattr(self, name, printable(getattr(self, name)))

    @property
    def local_date(self):
        return self.built_at.astimezone(ZoneInfo(self.timezone)).date()

    @property
    def date_text(self):
        day = self.local_date
        return f"{day.day} {MONTHS[day.month - 1]} {day.year} г."

    @property
    def imprint(self):
        """«Кыштым, 2026» under the title."""
        return ", ".join(part for part in (self.place, str(self.local_date.year)) if part)


@dataclass
class Article:
    id: int
    version: int
    title: str
    municipality: str
    city: str
    kind_title: str
    direction: str
    organization: str
    summary: str
    authors: list  # (name, position) pairs
    fields: list  # (label, value) pairs, every field of its kind
    resources: list  # (title, absolute url) pairs
    number: int = 0

    @property
    def anchor(self):
        return f"practice{self.id}"

    def byline(self):
        return [", ".join(part for part in pair if part) for pair in self.authors]


@dataclass
class Chapter:
    heading: str
    articles: list


@dataclass
class Book:
    edition: Edition
    city_names: dict
    base_url: str
    articles: list = field(default_factory=list)

    @property
    def title(self):
        return self.edition.title

    def add(self, practice, resources):
        self.articles.append(article(practice, resources, self.city(practice["municipality"]), self.base_url))

    def city(self, code):
        return text(self.city_names.get(code, code))

    @property
    def by_city(self):
        """Whether chapters are cities (then an article does not repeat its city)."""
        return self.edition.order != "direction"

    def chapters(self):
        """Articles grouped into chapters and numbered through the book in that order."""
        key = (lambda a: a.city) if self.by_city else (lambda a: a.direction or NO_DIRECTION)
        groups = {}
        for item in sorted(self.articles, key=lambda a: (key(a) == NO_DIRECTION, key(a), a.title, a.id)):
            groups.setdefault(key(item), []).append(item)
        chapters = [Chapter(heading, items) for heading, items in groups.items()]
        for number, item in enumerate((a for c in chapters for a in c.articles), 1):
            item.number = number
        return chapters

    @property
    def contents(self):
        """Exactly which version of which entry went in, in the book's order."""
        return [{"id": a.id, "version": a.version, "title": a.title, "municipality": a.municipality}
                for chapter in self.chapters() for a in chapter.articles]

    def city_index(self):
        """City name → its articles, alphabetically: the index at the end of the book."""
        index = {}
        for chapter in self.chapters():
            for item in chapter.articles:
                index.setdefault(item.city, []).append(item)
        return dict(sorted(index.items()))


def article(practice, resources, city, base_url):
    """One practice as the book prints it, from its published view and its resources."""
    return Article(
        id=practice["id"], version=practice["version"], title=text(practice["title"]),
        municipality=practice["municipality"], city=city, kind_title=text(practice.get("kind_title")),
        direction=text(direction_title(practice.get("direction"))), organization=text(practice.get("organization")),
        summary=text(practice.get("summary")), authors=authors_of(practice), fields=kind_fields(practice),
        resources=[(text(r.title), absolute_link(r, base_url)) for r in resources])


def authors_of(practice):
    """(name, position) pairs of a practice's authors, never a login.

    Read from the version's ``authors`` (strings or ``{"full_name", "position"}`` objects); when a
    version names none, from ``author_full_name``/``author_position`` of the practice if the registry
    supplies them (the names of accounts are the catalog's); otherwise there is no byline.
    """
    listed = practice.get(AUTHORS_FIELD) or []
    pairs = [(text(a.get("full_name")), text(a.get("position"))) if isinstance(a, dict) else (text(a), "")
             for a in listed]
    if not pairs and practice.get("author_full_name"):
        pairs = [(text(practice["author_full_name"]), text(practice.get("author_position")))]
    return [pair for pair in pairs if pair[0]]


def kind_fields(practice):
    """Every field of the practice's kind that has a value, as (Russian label, printed value)."""
    kind = entry_kinds().get(practice["kind"])
    if kind is None:  # a kind whose plugin was uninstalled: nothing to label it by
        return []
    own = [name for name in kind.schema._declared_fields if name not in CommonContentSchema._declared_fields]
    names = ["direction", *own, "tags", "license"]
    printed = [(name, _printed(kind, name, practice.get(name), practice)) for name in names
               if name not in NOT_LISTED]
    return [(LABELS.get(name) or kind.label(name), value) for name, value in printed if value]


def _printed(kind, name, value, practice):
    if name == "license":
        return license_of(practice).title
    return text(kind.shown(name, value))


def absolute_link(resource, base_url):
    """Where a reader's click opens a resource: its own address, or its file on the public site."""
    link = resource.url or f"/api/v1/resources/{resource.id}/file"
    return link if "://" in link else base_url.rstrip("/") + "/" + link.lstrip("/")

