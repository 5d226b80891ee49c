"""What a person types never breaks the running network: bad text, numbers, dates and files are a clear 4xx."""
import io
import json
import os
import threading
import time
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from services.gateway import spreadsheets

METHODIST = "methodist-magnitogorsk"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def drafts(network):
    response = network.api("GET", "/api/v1/practices", user=METHODIST, params={"status": "draft", "per_page": 100})
    assert response.status_code == 200, response.text
    return sorted(item["id"] for item in response.json()["items"])


@pytest.mark.parametrize("title", ["Проба\x01 с управляющим символом", "Проба \ud800 с половиной пары",
                                   "Проба\ufffe", "Две\nстроки"])
def test_a_bad_title_is_422_naming_it_and_nothing_is_stored(network, title):
    before = drafts(network)
    body = json.dumps({"kind": "best_practice", "title": title, "summary": "Нормальный текст"})  # \ud800 escaped
    response = network.api("POST", "/api/v1/practices", user=METHODIST, data=body,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert list(response.json()["error"]["fields"]) == ["title"]
    assert drafts(network) == before


def test_a_lone_surrogate_in_a_field_name_is_a_4xx_not_a_500(network):
    response = network.api("POST", "/api/v1/practices", user=METHODIST,
                           data='{"kind": "best_practice", "title": "Проба", "\\udc00": 1}'.encode(),
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["error"]["fields"]["body"]


def trial_session(network):
    found = network.api("GET", "/api/v1/search", params={"type": "practice", "kind": "career_trial"}).json()
    trial = next(item for item in found["items"] if item.get("sessions"))
    return trial["id"], trial["sessions"][0]["id"]


@pytest.mark.parametrize("pupils", [4.5, "4", True])
def test_pupils_must_be_an_integer(network, pupils):
    _, session_id = trial_session(network)
    response = network.api("POST", f"/api/v1/sessions/{session_id}/bookings", user="school-kyshtym",
                           json={"pupils": pupils, "grade": 9})
    assert response.status_code == 422 and "pupils" in response.json()["error"]["fields"]


def schedule(network, starts, **extra):
    entry_id, _ = trial_session(network)
    owner = network.api("GET", f"/api/v1/practices/{entry_id}").json()["municipality"]
    body = {"starts_at": starts, "ends_at": extra.pop("ends_at", "2099-01-01T12:00:00+05:00"), "capacity": 5, **extra}
    return network.api("POST", f"/api/v1/practices/{entry_id}/sessions", user=f"methodist-{owner}", json=body)


def test_a_session_in_the_past_is_422(network):
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    response = schedule(network, past)
    assert response.status_code == 422 and "прошло" in response.json()["error"]["fields"]["starts_at"][0]


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-12:00", "2101-01-01T10:00:00+05:00"])
def test_far_dates_are_422_naming_the_field(network, moment):
    response = schedule(network, "2098-01-01T10:00:00+05:00", ends_at=moment)
    assert response.status_code == 422 and list(response.json()["error"]["fields"]) == ["ends_at"]
    festival = network.api("POST", "/api/v1/festivals", user="methodist-kopeysk", json={
        "title": "Фестиваль из будущего", "starts_on": "2027-03-10", "ends_on": moment[:10]})
    assert festival.status_code == 422 and list(festival.json()["error"]["fields"]) == ["ends_on"]


def test_a_capacity_as_a_string_is_422(network):
    response = schedule(network, "2098-01-01T10:00:00+05:00", ends_at="2098-01-01T12:00:00+05:00", capacity="5")
    assert response.status_code == 422 and "capacity" in response.json()["error"]["fields"]


def import_file(network, data, filename="spisok.xlsx"):
    return network.api("POST", "/api/v1/practices/import", user=METHODIST, params={"dry_run": "true"},
                       files={"file": (filename, data)}, timeout=120)


def book_with_sheet(sheet_xml=None, extra=None):
    """The import template with its sheet replaced by ``sheet_xml`` and ``extra`` parts added."""
    template = zipfile.ZipFile(io.BytesIO(spreadsheets.template()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name in template.namelist():
            replaced = sheet_xml is not None and name == "xl/worksheets/sheet1.xml"
            package.writestr(name, sheet_xml if replaced else template.read(name))
        for name, content in (extra or {}).items():
            package.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize("sheet_xml", [
    f'<worksheet xmlns="{MAIN}"><sheetData><row>',
    f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>99</v></c></row></sheetData></worksheet>',
    f'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><worksheet xmlns="{MAIN}">'
    f'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>',
], ids=["broken-xml", "shared-string-index", "entities"])
def test_a_broken_workbook_is_422_with_the_reason(network, sheet_xml):
    response = import_file(network, book_with_sheet(sheet_xml))
    assert response.status_code == 422, response.text
    assert response.json()["error"]["fields"]["file"][0].startswith(("Книга Excel повреждена", "Внутри книги"))


@pytest.mark.parametrize("filename", ["spisok.xls", "spisok.ods", "spisok.csv"])
def test_other_spreadsheet_formats_are_told_to_save_as_xlsx(network, filename):
    response = import_file(network, b"kind;title\n", filename)
    assert response.status_code == 415
    assert "сохраните файл в формате .xlsx" in response.json()["error"]["fields"]["file"][0]


def test_a_zip_bomb_is_refused_quickly(network):
    bomb = book_with_sheet(extra={"xl/media/zeros.bin": b"\0" * (200 * 1024 * 1024)})
    started = time.monotonic()
    response = import_file(network, bomb)
    assert response.status_code == 413 and "МБ" in response.json()["error"]["fields"]["file"][0]
    assert time.monotonic() - started < 10


def slow_book(rows):
    """A valid workbook that takes a few seconds to parse: many rows in a column the import ignores."""
    header = ('<row r="1"><c r="A1" t="inlineStr"><is><t>kind</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>title</t></is></c></row>')
    body = "".join(f'<row r="{n}"><c r="Z{n}" t="inlineStr"><is><t>{os.urandom(12).hex()}</t></is></c></row>'
                   for n in range(2, rows))
    return book_with_sheet(f'<worksheet xmlns="{MAIN}"><sheetData>{header}{body}</sheetData></worksheet>')


def test_other_requests_are_served_while_a_workbook_is_parsed(network):
    data = slow_book(150_000)  # ~14 MB unpacked (the limit is 20 MB): seconds of parsing on a quick machine
    done = {}

    def parse():
        started = time.monotonic()
        done["status"] = import_file(network, data).status_code
        done["took"] = time.monotonic() - started

    importing = threading.Thread(target=parse)
    importing.start()
    time.sleep(0.5)  # the upload is in and the parse has begun
    waits = []
    while importing.is_alive():
        started = time.monotonic()
        assert network.api("GET", "/api/v1/municipalities", timeout=60).status_code == 200
        waits.append(time.monotonic() - started)
    importing.join()
    assert done["status"] == 200
    assert done["took"] > 1, "the workbook parsed too fast to show anything: make it larger"
    # A gateway blocked by the parse would keep a request waiting for most of it.
    assert max(waits) < done["took"] / 3, (waits, done)
