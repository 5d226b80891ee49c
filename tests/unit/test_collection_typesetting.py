"""The сборник as Word, LibreOffice and a PDF reader see it, checked with parsers of their own
(zipfile + XML for the DOCX parts, pypdf for the PDF), not with the code that wrote it."""
import io
import zipfile
from datetime import UTC, datetime
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest
from docx import Document
from pypdf import PdfReader

from services.practices import book_docx, book_pdf, typesetting
from services.practices.demo import BEST_PRACTICES, CAREER_TRIALS
from shared.wording import decimal, grades_text, numbers_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PUBLISHER = "Управление образования администрации Кыштымского городского округа"
BASE = "https://praktiki.example.ru"
CITIES = {"kyshtym": "Кыштым", "magnitogorsk": "Магнитогорск"}


def make_book(order="municipality", built_at=datetime(2026, 12, 31, 20, 30, tzinfo=UTC)):
    edition = typesetting.Edition(
        title="Сборник лучших практик Кыштыма", publisher=PUBLISHER, place="Кыштым", order=order,
        compilers="Иванова Анна Петровна, методист\nПетров Пётр Ильич", annotation="Для педагогов и методистов",
        foreword="Уважаемые коллеги!\n\nСборник открывает пять программ профессиональных проб.", built_at=built_at)
    book = typesetting.Book(edition, CITIES, BASE + "/")
    entries = [e for e in CAREER_TRIALS + BEST_PRACTICES if e["municipality"] in CITIES]
    for number, entry in enumerate(entries, 1):
        practice = {**entry, "id": number, "version": 1, "kind_title": "Профессиональная проба"}
        if number == 6:
            practice["authors"] = [{"full_name": "Сидорова Мария Ивановна", "position": "методист ЦДЮТТ"}]
        book.add(practice, [SimpleNamespace(id=30 + number, title="Программа", url=None),
                            SimpleNamespace(id=90, title="Видео", url="https://video.example.org/lesson")])
    return book


@pytest.fixture(scope="module")
def docx_file():
    return book_docx.render(make_book())


def part(docx_bytes, name):
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        return ElementTree.fromstring(archive.read(name))


def test_the_docx_is_a4_with_russian_margins_and_russian_language_on_its_styles(docx_file):
    section = part(docx_file, "word/document.xml").find(f".//{W}sectPr")
    size = section.find(f"{W}pgSz")
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("11906", "16838")
    assert section.find(f"{W}pgMar").get(f"{W}left") == "1701"  # 3 cm binding margin
    styles = part(docx_file, "word/styles.xml")
    default_lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert default_lang.get(f"{W}val") == "ru-RU"
    normal = next(s for s in styles.iter(f"{W}style") if s.get(f"{W}styleId") == "Normal")
    assert normal.find(f"{W}rPr/{W}lang").get(f"{W}val") == "ru-RU"
    assert "en-US" not in ElementTree.tostring(styles, encoding="unicode")


def test_the_docx_properties_name_the_book_and_its_publisher_not_the_library(docx_file):
    properties = Document(io.BytesIO(docx_file)).core_properties
    assert properties.title == "Сборник лучших практик Кыштыма"
    assert properties.author == PUBLISHER and properties.last_modified_by == PUBLISHER
    assert properties.language == "ru-RU" and "Кыштым" in properties.keywords and properties.subject
    assert "python-docx" not in ElementTree.tostring(part(docx_file, "docProps/core.xml"), encoding="unicode")


def test_the_contents_is_a_toc_field_that_word_updates_on_opening(docx_file):
    body = part(docx_file, "word/document.xml")
    instructions = [t.text.strip() for t in body.iter(f"{W}instrText")]
    assert 'TOC \\o "1-3" \\h \\z \\u' in instructions
    kinds = [c.get(f"{W}fldCharType") for c in body.iter(f"{W}fldChar")]
    assert kinds.count("begin") == kinds.count("separate") == kinds.count("end")
    update = part(docx_file, "word/settings.xml").find(f"{W}updateFields")
    assert update is not None and update.get(f"{W}val") == "true"
    # the index of cities points at each practice's bookmark, so its page numbers are live too
    bookmarks = {b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")}
    assert {f"practice{n}" for n in range(1, 8)} <= bookmarks
    assert sum(i.startswith("PAGEREF practice") for i in instructions) >= 14  # contents + index


def test_every_page_but_the_title_has_its_number_in_the_footer(docx_file):
    document = Document(io.BytesIO(docx_file))
    section = document.sections[0]
    assert section.different_first_page_header_footer
    footer = section.footer._element
    assert "PAGE" in [t.text.strip() for t in footer.iter(qn_w("instrText"))]
    assert not any(t.text for t in section.first_page_footer._element.iter(qn_w("instrText")))


def qn_w(tag):
    return f"{W}{tag}"


def test_resources_are_clickable_absolute_links(docx_file):
    body = part(docx_file, "word/document.xml")
    with zipfile.ZipFile(io.BytesIO(docx_file)) as archive:
        relations = ElementTree.fromstring(archive.read("word/_rels/document.xml.rels"))
    targets = {r.get("Id"): (r.get("Target"), r.get("TargetMode")) for r in relations}
    links = [targets[h.get(f"{R}id")] for h in body.iter(f"{W}hyperlink") if h.get(f"{R}id")]
    assert (f"{BASE}/api/v1/resources/31/file", "External") in links
    assert ("https://video.example.org/lesson", "External") in links
    assert all(target.startswith("https://") and mode == "External" for target, mode in links)
    shown = " ".join(t.text or "" for t in body.iter(f"{W}t"))
    assert shown.count("/api/v1/resources/") == shown.count(f"{BASE}/api/v1/resources/") > 0  # never bare paths


def test_a_trial_prints_every_field_of_its_kind_in_russian_and_the_city_once(docx_file):
    document = Document(io.BytesIO(docx_file))
    text = "\n".join(p.text for p in document.paragraphs)
    for expected in ("Профессия: Портной", "Классы: 6–9 классы", "Формат проведения: Очно",
                     "Продолжительность: 4 ч", "Уровень профминимума: Основной"):
        assert expected in text
    assert "in_person" not in text and "main" not in text.split()
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert [t for s, t in headings if s == "Heading 1"] == ["Кыштым", "Магнитогорск", "Указатель городов"]
    assert sum(p.text == "Кыштым" for p in document.paragraphs) == 2  # its chapter and its index entry
    assert "Сидорова Мария Ивановна, методист ЦДЮТТ" in text
    # the front matter entered with the request, and no page break between articles
    assert "Иванова Анна Петровна, методист" in text and "Уважаемые коллеги!" in text and "Кыштым, 2027" in text
    breaks = [b for b in document.element.body.iter(qn_w("br")) if b.get(qn_w("type")) == "page"]
    assert len(breaks) == 4  # after the title page, its reverse, the contents, and before the index


def test_the_date_is_the_networks_not_utc():
    book = make_book(built_at=datetime(2026, 12, 31, 20, 30, tzinfo=UTC))  # 1 January in Кыштым
    assert book.edition.date_text == "1 января 2027 г." and book.edition.imprint == "Кыштым, 2027"


def test_ordered_by_direction_the_chapters_are_directions_and_articles_name_their_city():
    book = make_book(order="direction")
    assert [c.heading for c in book.chapters()] == ["Повышение квалификации педагогов",
                                                    "Профессиональное самоопределение"]
    text = "\n".join(p.text for p in Document(io.BytesIO(book_docx.render(book))).paragraphs)
    assert "Центр детского (юношеского) технического творчества г. Кыштыма (ЦДЮТТ), Кыштым" in text


def test_grades_and_hours_read_as_people_write_them():
    assert grades_text([9, 8]) == "8–9 классы"
    assert grades_text([9]) == "9 класс"
    assert grades_text([6, 8, 10]) == "6, 8, 10 классы"
    assert decimal(1.5) == "1,5"
    assert numbers_text([4, 1, 2, 3, 6]) == "1–4, 6"


def test_authors_never_fall_back_to_a_login():
    practice = {"author": "methodist-kyshtym", "authors": []}
    assert typesetting.authors_of(practice) == []
    assert typesetting.authors_of({**practice, "authors": ["Иванова А. А."]}) == [("Иванова А. А.", "")]
    assert typesetting.authors_of({**practice, "author_full_name": "Иванова А. А.", "author_position": "методист"}) \
        == [("Иванова А. А.", "методист")]


def test_the_pdf_is_a4_with_page_numbers_contents_pages_and_absolute_links_with_qr_codes():
    pdf = PdfReader(io.BytesIO(book_pdf.render(make_book())))
    assert all(abs(float(p.mediabox.width) - 595.3) < 1 and abs(float(p.mediabox.height) - 841.9) < 1
               for p in pdf.pages)
    pages = [" ".join(p.extract_text().split()) for p in pdf.pages]
    assert not pages[0].rstrip().endswith("1")  # no number on the title page
    assert all(text.endswith(str(number)) for number, text in enumerate(pages, 1) if number > 1)
    contents = next(text for text in pages if text.startswith("Содержание"))
    assert "Профпроба «Портной» ." in contents and contents.split("Профпроба «Портной»")[1].split()[1].isdigit()
    assert pages[-1].startswith("Указатель городов") and "Магнитогорск" in pages[-1]
    uris = {a.get_object()["/A"]["/URI"] for p in pdf.pages for a in p.get("/Annots") or []
            if "/URI" in a.get_object().get("/A", {})}
    assert f"{BASE}/api/v1/resources/31/file" in uris and all(u.startswith("https://") for u in uris)
    images = sum(len(p.images) for p in pdf.pages) + sum("/XObject" in (p.get("/Resources") or {}) for p in pdf.pages)
    assert images > 0  # the QR codes
    fonts = {f["/BaseFont"] for p in pdf.pages for f in p["/Resources"]["/Font"].values()}
    assert any("DejaVu" in str(name) for name in fonts)
