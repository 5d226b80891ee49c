"""Text stored before the input rules (control characters, noncharacters, lone surrogates) never makes a
feed, a calendar, a collection or an export invalid: each is read back by a parser other than its writer."""
import csv
import io
import json
import re
import zipfile
from datetime import UTC, datetime

from lxml import etree

from services.gateway import calendar, notifications, opendata
from services.practices import book_docx, typesetting
from shared.auth import Identity

BAD = "Про\x01ба\x0b «Токарь»\ufffe\ud800 \x85конец\x7f\U0001ffff"
CLEAN = "Проба «Токарь» конец"
STRICT_XML = etree.XMLParser(resolve_entities=False, recover=False)


def test_the_atom_feed_stays_well_formed_xml():
    item = {"id": "5b1c3e5e-8d0f-4d55-9a55-3c1d7e0f0a01", "title": BAD, "text": "Текст\x00" + BAD,
            "link": "/practices/1", "occurred_at": datetime(2026, 5, 1, tzinfo=UTC)}
    feed = notifications.atom(Identity("methodist\x00-kyshtym", "methodist", "kyshtym"), [item], "http://x", "http://x/feeds/k.atom")
    root = etree.fromstring(feed, STRICT_XML)
    titles = root.findall("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title")
    assert [title.text for title in titles] == [CLEAN]


def festival(**changes):
    return {"id": 1, "title": BAD, "description": "Описание\x02\r\nвторая строка", "place": "Зал\x1b №1",
            "starts_on": "2026-06-01", "ends_on": "2026-06-02", "nominations": [{"title": "Номинация\ud800"}],
            "updated_at": "2026-05-01T10:00:00+00:00", "revision": 1, "status": "published",
            "timezone": "Asia/Yekaterinburg",
            "programme": [{"id": 7, "title": "Открытие\x0c", "starts_at": "2026-06-01T10:00:00+05:00",
                           "ends_at": "2026-06-01T11:00:00+05:00", "speaker": "Ведущий\uffff", "place": ""}],
            **changes}


def strict_ics_lines(data):
    """RFC 5545 content lines, checked without icalendar (which wrote them)."""
    text = data.decode("utf-8")  # strict: a lone surrogate could not even be encoded
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    for line in physical:
        assert len(line.encode("utf-8")) <= 75, line
        assert not re.search(r"[\x00-\x08\x0a-\x1f\x7f]", line), repr(line)
    unfolded = re.sub(r"\r\n[ \t]", "", text[:-2]).split("\r\n")
    for line in unfolded:
        assert re.match(r"^[A-Za-z0-9-]+(;[A-Za-z0-9-]+=[^;:]*)*:", line), line
        assert not re.search("[\ufffe\uffff\ud800-\udfff\u0080-\u009f]", line), repr(line)
    open_components = []
    for line in unfolded:
        if line.startswith("BEGIN:"):
            open_components.append(line[6:])
        elif line.startswith("END:"):
            assert open_components.pop() == line[4:]
    assert not open_components
    return unfolded


def test_the_calendar_keeps_strict_content_lines():
    lines = strict_ics_lines(calendar.calendar_of([festival()], "Фестивали\x01", "http://x", with_programme=True))
    assert f"SUMMARY:{CLEAN}" in lines


def test_a_collection_docx_is_well_formed_word_xml():
    edition = typesetting.Edition(title="Сборник\x01\ud800", compilers="Петрова\x07 А. И.")
    book = typesetting.Book(edition, {"kyshtym": "Кыштым\x0b"}, "http://x")
    practice = {"id": 1, "version": 1, "kind": "best_practice", "title": BAD, "municipality": "kyshtym",
                "summary": "Итог\x00\ufffe",
                "organization": "ЦДЮТТ\x1f", "goal": "Цель\x08", "authors": ["Иванов\x02"]}
    book.add(practice, [])
    with zipfile.ZipFile(io.BytesIO(book_docx.render(book))) as package:
        body = etree.fromstring(package.read("word/document.xml"), STRICT_XML)
    words = "".join(body.itertext())
    assert CLEAN in words and "Сборник" in words and "Кыштым" in words
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\ud800-\udfff]", words)


def exported(value):
    return opendata.export_row({"id": 1, "kind": "best_practice", "title": value, "summary": value,
                                "tags": [value], "municipality": "kyshtym"}, None, "http://x")


def test_csv_and_json_lines_exports_carry_no_invalid_character():
    rows = [exported(BAD)]
    text = "".join(opendata.csv_lines(rows)).encode("utf-8").decode("utf-8")
    records = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert records[0]["title"] == CLEAN
    line = "".join(opendata.jsonl_lines(rows)).encode("utf-8")  # would fail on a lone surrogate
    assert json.loads(line)["tags"] == [CLEAN]
