"""Every feed, calendar and export of the network, read by a parser other than the library that wrote it.

Calendars (written with icalendar) are read with vobject and checked against RFC 5545 by hand (CRLF,
folded lines, one LOCATION per event, a VTIMEZONE for every TZID, a URL back to the page); Atom and
every XML part of DOCX and XLSX (written with python-docx and openpyxl) with the standard library's
expat, which refuses any character XML 1.0 does not allow; CSV with ``csv`` in strict mode; JSON Lines
and JSON-LD with ``json``; PDFs (WeasyPrint) with pypdf; a DOCX is also opened by LibreOffice.

Then text with control characters is written straight into the databases, as data stored before
input was checked would be, and every output must stay valid. The network is this module's own: that
text must not reach other tests.
"""
import csv
import io
import json
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
import requests
import vobject
from pypdf import PdfReader
from sqlalchemy import create_engine, text

from application.running import eventually
from shared import config as settings

ATOM = "{http://www.w3.org/2005/Atom}"
# What a spreadsheet runs as a formula when a cell starts with it (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 forbids, C1 controls and noncharacters: stored before the fix, refused by every writer.
BAD_STORED_TEXT = "Старая\x01запись\x0b с\x1b управляющими\x7f символами\x85 и\ufffe"
FORMULA_TITLE = "=HYPERLINK(\"http://example.org\",\"Открыть\")"
FESTIVAL = {"title": "Фестиваль «Разбор выгрузок»", "kind": "festival", "starts_on": "2027-06-10",
            "ends_on": "2027-06-11", "place": "Кыштым, ЦДЮТТ", "description": "Проверка выгрузок",
            "nominations": [{"title": "Техсалон"}]}


@pytest.fixture(scope="module")
def network(module_network):
    return module_network


def ok(response):
    assert response.status_code in (200, 201, 202), f"{response.request.method} {response.url}: {response.text[:300]}"
    return response


@pytest.fixture(scope="module")
def outputs(network):
    """A Кыштым festival with a programme item and a placed entry, a practice whose title is a formula,
    and the ids of what the outputs are fetched for."""
    api = network.api
    formula = ok(api("POST", "/api/v1/practices", user="methodist-kyshtym", json={
        "kind": "best_practice", "title": FORMULA_TITLE, "summary": "@SUM(1+1)*cmd|' /C calc'!A0"})).json()
    ok(api("POST", f"/api/v1/practices/{formula['id']}/submit", user="methodist-kyshtym"))
    ok(api("POST", f"/api/v1/practices/{formula['id']}/approve", user="reviewer-chippkro", json={"comment": "Да"}))
    practice = ok(api("GET", "/api/v1/practices", params={"municipality": "kyshtym", "kind": "best_practice"})
                  ).json()["items"][0]
    festival = ok(api("POST", "/api/v1/festivals", user="methodist-kyshtym", json=FESTIVAL)).json()
    ok(api("POST", f"/api/v1/festivals/{festival['id']}/programme", user="methodist-kyshtym", json={
        "title": "Открытие", "starts_at": "2027-06-10T10:00:00+05:00", "ends_at": "2027-06-10T11:00:00+05:00",
        "place": "Актовый зал", "speaker": "Оргкомитет"}))
    ok(api("POST", f"/api/v1/festivals/{festival['id']}/call", user="methodist-kyshtym",
           json={"deadline": (datetime.now(UTC) + timedelta(days=30)).isoformat()}))
    ok(api("POST", f"/api/v1/festivals/{festival['id']}/entries", user="methodist-kyshtym",
           json={"practice_id": practice["id"], "nomination": "Техсалон"}))
    results = ok(api("POST", f"/api/v1/festivals/{festival['id']}/results", user="methodist-kyshtym", json={
        "results": [{"nomination": "Техсалон", "places": [{"practice_id": practice["id"], "place": 1}]}]})).json()
    eventually(lambda: formula["id"] in [row["id"] for row in jsonl(network)], timeout=20)
    eventually(lambda: b"\xd0\x9e\xd1\x82\xd0\xba\xd1\x80\xd1\x8b\xd1\x82\xd0\xb8\xd0\xb5" in  # «Открытие»
               network.api("GET", f"/api/v1/festivals/{festival['id']}.ics").content, timeout=20)
    return {"practice_id": practice["id"], "formula_id": formula["id"], "festival_id": festival["id"],
            "entry_id": results["entries"][0]["id"]}


# ----------------------------------------------------------------------------- the independent readers

def unfolded_lines(content):
    """RFC 5545 §3.1: CRLF line ends, lines of at most 75 octets, continuation lines start with a space."""
    assert content.endswith(b"\r\n"), "an iCalendar file ends with CRLF"
    lines = content.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines), "a bare LF or CR in an iCalendar file"
    assert all(len(line) <= 75 for line in lines), "a line longer than 75 octets"
    logical = []
    for line in lines:
        if line.startswith((b" ", b"\t")):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return [line.decode("utf-8") for line in logical]


def check_calendar(content, with_urls=True):
    """The calendar, read by vobject; every rule strict readers enforce and vobject does not."""
    lines = unfolded_lines(content)
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "\n".join(lines)), "a control character"
    calendar = vobject.readOne(content.decode("utf-8"))
    assert calendar.name == "VCALENDAR" and calendar.contents["version"][0].value == "2.0"
    events = calendar.contents.get("vevent", [])
    for event in events:
        assert len(event.contents.get("uid", [])) == 1 and len(event.contents.get("dtstart", [])) == 1
        for single in ("location", "summary", "description", "url", "status", "dtend"):
            assert len(event.contents.get(single, [])) <= 1, f"{len(event.contents[single])} × {single.upper()}"
        if with_urls:
            assert event.contents.get("url"), f"no URL in {event.uid.value}"
    used = {param for line in lines for param in re.findall(r";TZID=([^;:]+)", line.split(":", 1)[0])}
    declared = {zone.contents["tzid"][0].value for zone in calendar.contents.get("vtimezone", [])}
    assert used <= declared, f"TZID without a VTIMEZONE: {sorted(used - declared)}"
    return events


def check_xml(content):
    """Parsed by expat: refuses a character XML 1.0 forbids, raw or as a reference."""
    return ElementTree.fromstring(content)


def check_zip_of_xml(content):
    """Every XML part of an Office file parses."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        parts = {name: archive.read(name) for name in archive.namelist() if name.endswith((".xml", ".rels"))}
    assert "[Content_Types].xml" in parts
    for name, part in parts.items():
        try:
            check_xml(part)
        except ElementTree.ParseError as error:
            raise AssertionError(f"{name}: {error}") from None
    return parts


def pdf_text(content):
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content), strict=True)
    assert len(reader.pages) >= 1
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def opened_by_libreoffice(content, tmp_path):
    """LibreOffice converts the DOCX to PDF; the PDF's text, as pypdf reads it."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) не установлен: apt-get install libreoffice-writer-nogui")
    source = tmp_path / "collection.docx"
    source.write_bytes(content)
    done = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                          capture_output=True, text=True, timeout=180)
    converted = tmp_path / "collection.pdf"
    assert done.returncode == 0 and converted.exists(), done.stdout + done.stderr
    return pdf_text(converted.read_bytes())


def csv_rows(network, path="/api/v1/export/registry.csv"):
    response = ok(network.api("GET", path))
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), strict=True))
    header, body = rows[0], rows[1:]
    assert all(len(row) == len(header) for row in body), "rows of different lengths"
    return [dict(zip(header, row)) for row in body]


def jsonl(network, path="/api/v1/export/registry.jsonl"):
    response = ok(network.api("GET", path))
    # Lines end with LF only: str.splitlines() would also split at U+0085 or U+2028 inside a value.
    return [json.loads(line.decode("utf-8")) for line in response.content.split(b"\n") if line.strip()]


def collection_files(network, **selection):
    requested = ok(network.api("POST", "/api/v1/collections", user="methodist-kyshtym",
                               json={"title": "Сборник для разбора", **selection})).json()

    def built():
        answer = network.api("GET", f"/api/v1/collections/{requested['id']}")
        collection = answer.json() if answer.status_code == 200 else {}  # a busy machine may answer 503
        return collection if collection.get("status") in ("ready", "failed") else None

    collection = eventually(built, timeout=120, interval=0.5)
    assert collection and collection["status"] == "ready", collection
    return (ok(network.api("GET", collection["docx_url"])).content,
            ok(network.api("GET", collection["pdf_url"])).content)


def atom_feed(network, username="methodist-kyshtym"):
    url = ok(network.api("GET", "/api/v1/notifications/feed", user=username)).json()["url"]
    response = ok(requests.get(url, timeout=30))
    feed = check_xml(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert any(link.get("rel") == "self" for link in feed.findall(f"{ATOM}link")), "no rel=\"self\" link"
    for element in (feed, *feed.iter(f"{ATOM}entry")):
        assert element.findtext(f"{ATOM}id") and element.findtext(f"{ATOM}updated") and element.find(f"{ATOM}title") is not None
    return feed


# ----------------------------------------------------------------------------- outputs as written

def test_the_calendars_are_valid_for_a_strict_reader(network, outputs):
    for path in ("/api/v1/festivals.ics", "/api/v1/festivals.ics?municipality=kyshtym",
                 "/api/v1/festivals.ics?municipality=region", f"/api/v1/festivals/{outputs['festival_id']}.ics"):
        response = ok(network.api("GET", path))
        assert response.headers["Content-Type"].startswith("text/calendar")
        check_calendar(response.content)
    festival = check_calendar(ok(network.api("GET", f"/api/v1/festivals/{outputs['festival_id']}.ics")).content)
    summaries = {event.summary.value for event in festival}
    assert FESTIVAL["title"] in summaries
    assert any(summary.startswith("Открытие") for summary in summaries), summaries  # a programme item


def test_the_notification_feed_is_well_formed_atom(network, outputs):
    atom_feed(network)


def test_the_csv_export_parses_strictly_and_runs_no_formula(network, outputs):
    rows = csv_rows(network)
    assert {row["id"] for row in rows} >= {str(outputs["formula_id"]), str(outputs["practice_id"])}
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(FORMULA_STARTS), f"{column} of {row['id']} runs as a formula: {cell!r}"
    formula = next(row for row in rows if row["id"] == str(outputs["formula_id"]))
    assert FORMULA_TITLE in formula["title"]


def test_the_export_named_in_the_contract_is_served(network, outputs):
    """``../shared/API.md``: ``/api/v1/export/practices.csv`` and ``.jsonl``."""
    assert csv_rows(network, "/api/v1/export/practices.csv")
    assert jsonl(network, "/api/v1/export/practices.jsonl")


def test_the_jsonl_export_is_one_json_object_per_line(network, outputs):
    records = jsonl(network)
    assert records and all(isinstance(record, dict) and record["id"] and record["title"] for record in records)


def test_json_ld_of_an_entry_and_of_a_festival_is_json_with_a_schema_org_type(network, outputs):
    for path in (f"/api/v1/practices/{outputs['practice_id']}.jsonld",
                 f"/api/v1/festivals/{outputs['festival_id']}.jsonld"):
        document = json.loads(ok(network.api("GET", path)).content.decode("utf-8"))
        assert "schema.org" in json.dumps(document.get("@context")) and document.get("@type"), path


def test_a_collection_opens_as_docx_in_libreoffice_and_as_pdf(network, outputs, tmp_path):
    docx, pdf = collection_files(network, municipality="kyshtym")
    parts = check_zip_of_xml(docx)
    assert "word/document.xml" in parts
    assert "Сборник для разбора" in pdf_text(pdf)
    assert "Сборник для разбора" in opened_by_libreoffice(docx, tmp_path)


def test_a_diploma_is_a_readable_pdf(network, outputs):
    diploma = ok(network.api("GET", f"/api/v1/festivals/{outputs['festival_id']}/diplomas/{outputs['entry_id']}.pdf"))
    assert "ДИПЛОМ" in pdf_text(diploma.content)


def test_the_import_template_is_a_valid_spreadsheet_package(network):
    parts = check_zip_of_xml(ok(network.api("GET", "/api/v1/practices/import/template.xlsx")).content)
    assert "xl/workbook.xml" in parts and any(name.startswith("xl/worksheets/") for name in parts)


# ----------------------------------------------------------------------------- outputs of bad stored text

def stored_badly(network, outputs):
    """Bad text written straight into every store an output is made from: the practices service's
    entry versions (collections), the festivals service (diplomas), the gateway's read model (search
    documents, festivals, notifications: exports, JSON-LD, calendars, the feed)."""
    def database(service):
        return create_engine(settings.database_url(network.config, service))

    def spoil_json(connection, table, column, key_column, key, fields):
        value = connection.execute(text(f"SELECT {column} FROM {table} WHERE {key_column} = :key"),
                                   {"key": key}).scalar_one()
        document = json.loads(value) if isinstance(value, str) else value
        for field in fields:
            if isinstance(document.get(field), str):
                document[field] = f"{document[field]} {BAD_STORED_TEXT}"
        connection.execute(text(f"UPDATE {table} SET {column} = :value WHERE {key_column} = :key"),
                           {"value": json.dumps(document, ensure_ascii=False), "key": key})

    practice, festival = outputs["practice_id"], outputs["festival_id"]
    with database("practices").begin() as connection:
        for version in connection.execute(text("SELECT id FROM entry_versions WHERE entry_id = :id"), {"id": practice}):
            spoil_json(connection, "entry_versions", "content", "id", version.id, ("title", "summary", "organization"))
    with database("festivals").begin() as connection:
        connection.execute(text("UPDATE festivals SET title = title || :bad, place = place || :bad WHERE id = :id"),
                           {"bad": BAD_STORED_TEXT, "id": festival})
    with database("gateway").begin() as connection:
        spoil_json(connection, "search_documents", "body", "key", f"practice:{practice}", ("title", "summary"))
        connection.execute(text("UPDATE search_documents SET title = title || :bad WHERE key = :key"),
                           {"bad": BAD_STORED_TEXT, "key": f"practice:{practice}"})
        spoil_json(connection, "festivals", "state", "id", festival, ("title", "place", "description"))
        connection.execute(text("UPDATE notifications SET title = title || :bad, text = text || :bad"),
                           {"bad": BAD_STORED_TEXT})


@pytest.fixture(scope="module")
def spoiled(network, outputs):
    stored_badly(network, outputs)
    return outputs


def test_outputs_stay_valid_when_bad_text_was_stored_before_the_fix(network, spoiled, tmp_path):
    failures = {}
    checks = {
        "festivals.ics": lambda: check_calendar(ok(network.api("GET", "/api/v1/festivals.ics")).content),
        "festival .ics": lambda: check_calendar(
            ok(network.api("GET", f"/api/v1/festivals/{spoiled['festival_id']}.ics")).content),
        "Atom feed": lambda: atom_feed(network),
        "CSV export": lambda: csv_rows(network),
        "JSONL export": lambda: jsonl(network),
        "JSON-LD": lambda: json.loads(
            ok(network.api("GET", f"/api/v1/practices/{spoiled['practice_id']}.jsonld")).content),
        "collection DOCX and PDF": lambda: collection_valid(network, tmp_path),
        "diploma PDF": lambda: pdf_text(ok(network.api(
            "GET", f"/api/v1/festivals/{spoiled['festival_id']}/diplomas/{spoiled['entry_id']}.pdf")).content),
    }
    for name, check in checks.items():
        try:
            check()
        except (AssertionError, ValueError, ElementTree.ParseError, vobject.base.ParseError) as failure:
            failures[name] = f"{type(failure).__name__}: {str(failure)[:300]}"
    assert not failures, "\n".join(f"{name}: {failure}" for name, failure in failures.items())


def collection_valid(network, tmp_path):
    docx, pdf = collection_files(network, municipality="kyshtym")
    check_zip_of_xml(docx)
    pdf_text(pdf)
    if shutil.which("soffice"):
        opened_by_libreoffice(docx, tmp_path)
