"""Open data from the read model: JSON-LD of one published entry or festival, and the whole published
registry as CSV and JSON Lines, streamed a batch at a time (no RPC, no answer held whole in memory)."""
import csv
import io
import json

from sqlalchemy import select

from services.festivals.contract import REGION
from services.gateway import linked_data
from services.gateway.models import FestivalView, MunicipalityView, SearchDocument, SearchFilters, SessionView
from services.gateway.views import kind_title
from shared.errors import NotFound
from shared.licenses import license_of
from shared.text import printable

EXPORT_BATCH = 500
# The export's columns, in this order for good: new columns are only ever appended.
COLUMNS = ("id", "kind", "kind_title", "title", "summary", "direction", "organization", "tags",
           "municipality", "municipality_name", "oktmo", "license", "license_title", "license_url",
           "profession", "grades", "format", "duration_hours", "version", "approved_at", "updated_at", "url")
# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (a tab or CR before one too).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_BOM = "\ufeff"  # so that Excel reads the file as UTF-8 and shows Cyrillic


def published_entry(session, entry_id):
    """The public view of an approved entry as the read model holds it; 404 if nothing is published."""
    document = session.scalars(select(SearchDocument).where(SearchDocument.key == f"practice:{entry_id}")).first()
    if document is None:
        raise NotFound(f"Запись №{entry_id} не опубликована", {"id": ["Нет опубликованной записи с таким номером"]})
    return document.body


def entry_json_ld(session, entry_id, base_url):
    published = published_entry(session, entry_id)
    sessions = session.scalars(select(SessionView).where(SessionView.practice_id == entry_id)
                               .order_by(SessionView.starts_at, SessionView.id)).all()
    city = session.get(MunicipalityView, published["municipality"])
    return linked_data.entry_document(published, city, sessions, base_url)


def festival_json_ld(session, festival_id, base_url):
    festival = session.get(FestivalView, festival_id)
    if festival is None:
        raise NotFound(f"Фестиваль №{festival_id} не найден")
    city = None if festival.municipality == REGION else session.get(MunicipalityView, festival.municipality)
    return linked_data.festival_document(festival.state, festival_id, city, base_url)


def export_rows(sessions, base_url):
    """Every published entry as a flat dict of :data:`COLUMNS`, in id order, reading a batch per session."""
    last_id = 0
    while True:
        with sessions() as session:
            cities = {city.code: city for city in session.scalars(select(MunicipalityView))}
            batch = session.execute(
                select(SearchDocument.id, SearchDocument.body)
                .join(SearchFilters, SearchFilters.id == SearchDocument.id)
                .where(SearchFilters.doc_type == "practice", SearchDocument.id > last_id)
                .order_by(SearchDocument.id).limit(EXPORT_BATCH)).all()
        if not batch:
            return
        last_id = batch[-1].id
        for row in batch:
            yield export_row(row.body, cities.get(row.body["municipality"]), base_url)


def export_row(published, city, base_url):
    licence = license_of(published)
    return printable({  # text stored before the input rules must not break a strict reader
        **{name: published.get(name) for name in COLUMNS},
        "kind_title": kind_title(published["kind"]),
        "municipality_name": city.name if city else published["municipality"],
        "oktmo": city.oktmo if city else "",
        "license": licence.code, "license_title": licence.title, "license_url": licence.url,
        "url": f"{base_url}/practices/{published['id']}",
    })


def csv_lines(rows):
    """CSV text a line at a time: a BOM and the header first, lists joined with «; »."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    yield CSV_BOM + _drain(buffer)
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})
        yield _drain(buffer)


def jsonl_lines(rows):
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return neutralised("; ".join(str(item) for item in value))
    return neutralised(value) if isinstance(value, str) else value


def neutralised(text):
    """A text cell a spreadsheet would run as a formula gets a leading ``'`` (OWASP's rule for CSV
    injection): it then shows as the text it is. Numbers are written as numbers and never touched."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _drain(buffer):
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
