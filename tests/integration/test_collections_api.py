"""One-click collections (сборники): requested, built in the background, opened in LibreOffice and as PDF;
listed afterwards and built again from the versions published now."""
import io
import shutil
import subprocess

import pytest
from docx import Document
from pypdf import PdfReader

from application.running import eventually
from services.practices.demo import KYSHTYM_TRIALS

KYSHTYM_PROGRAMMES = ("Оператор лазерного станка", "Оператор станков с числовым программным управлением",
                      "Портной", "Специалист по кибербезопасности", "Эколог")
SOFFICE = shutil.which("soffice")
FRONT_MATTER = {"compilers": "Иванова Анна Петровна, методист\nПетров Пётр Ильич",
                "annotation": "Для педагогов и школьных координаторов профориентации",
                "foreword": "Уважаемые коллеги!\n\nВ сборник вошли пять программ профессиональных проб."}


def ready(network, collection_id):
    collection = network.api("GET", f"/api/v1/collections/{collection_id}").json()
    return collection if collection["status"] in ("ready", "failed") else None


def one_line(pdf):
    return " ".join(" ".join(page.extract_text() for page in pdf.pages).split())


def is_a4(page):
    return abs(float(page.mediabox.width) - 595) <= 1 and abs(float(page.mediabox.height) - 842) <= 1


@pytest.fixture(scope="module")
def kyshtym(network):
    """The Кыштым collection, built once for the module: the collection and its two files."""
    requested = network.api("POST", "/api/v1/collections", user="methodist-kyshtym",
                            json={"title": "Сборник лучших практик Кыштыма", "municipality": "kyshtym", **FRONT_MATTER})
    assert requested.status_code == 202 and requested.json()["status"] == "queued"
    collection = eventually(lambda: ready(network, requested.json()["id"]), timeout=60, interval=0.5)
    return (collection, network.api("GET", collection["docx_url"]).content,
            network.api("GET", collection["pdf_url"]).content)


@pytest.fixture(scope="module")
def kyshtym_in_libreoffice(kyshtym, tmp_path_factory):
    """The Кыштым DOCX converted to PDF by LibreOffice, the program most schools open it with."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) не установлен: make test ставит libreoffice-writer-nogui")
    folder = tmp_path_factory.mktemp("libreoffice")
    (folder / "sbornik.docx").write_bytes(kyshtym[1])
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{folder}/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), str(folder / "sbornik.docx")], check=True, capture_output=True,
                   timeout=120)
    return PdfReader(folder / "sbornik.pdf")


def test_the_kyshtym_collection_contains_the_five_trial_programmes(network, kyshtym):
    collection, docx, pdf = kyshtym
    assert collection["status"] == "ready" and collection["progress"] == 100
    assert all(item["version"] >= 1 for item in collection["contents"])
    assert collection["edition"]["publisher"] == "Управление образования администрации Кыштымского городского округа"

    word = Document(io.BytesIO(docx))
    text = "\n".join(paragraph.text for paragraph in word.paragraphs)
    assert "Сборник лучших практик Кыштыма" in text and "Уважаемые коллеги!" in text
    assert all(programme in text for programme in KYSHTYM_PROGRAMMES)
    assert "Указатель городов" in text
    assert word.core_properties.author == collection["edition"]["publisher"]

    pdf_text = one_line(PdfReader(io.BytesIO(pdf)))
    assert "Сборник лучших практик Кыштыма" in pdf_text and "Кыштым" in pdf_text
    assert all(programme.split()[0] in pdf_text for programme in KYSHTYM_PROGRAMMES)


def test_libreoffice_opens_the_docx_as_a4_with_a_contents_page_numbers_and_every_trial(kyshtym_in_libreoffice):
    pages = kyshtym_in_libreoffice.pages
    assert len(pages) > 2 and all(is_a4(page) for page in pages)
    texts = [" ".join(page.extract_text().split()) for page in pages]
    assert any(text.startswith("Содержание") for text in texts)
    assert all(text.endswith(str(number)) for number, text in enumerate(texts, 1) if number > 1)  # footer
    whole = " ".join(texts)
    for title, _, grades, _ in KYSHTYM_TRIALS:
        assert f"Профпроба «{title}»" in whole
        assert f"Классы: {grades[0]}–{grades[-1]} классы" in whole
    assert "Формат проведения: Очно" in whole and "Уровень профминимума: Основной" in whole


def test_the_pdf_has_absolute_links_page_numbers_and_a4_pages(network, kyshtym):
    pdf = PdfReader(io.BytesIO(kyshtym[2]))
    assert all(is_a4(page) for page in pdf.pages)
    texts = [" ".join(page.extract_text().split()) for page in pdf.pages]
    assert all(text.endswith(str(number)) for number, text in enumerate(texts, 1) if number > 1)
    contents = next(text for text in texts if text.startswith("Содержание"))
    assert "Профпроба «Портной» ." in contents
    uris = [a.get_object()["/A"].get("/URI") for page in pdf.pages for a in page.get("/Annots") or []
            if "/A" in a.get_object()]
    external = [uri for uri in uris if uri]
    assert all(uri.startswith("http://") or uri.startswith("https://") for uri in external)


def test_collections_are_listed_and_built_again_from_the_current_versions(network, kyshtym):
    earlier = kyshtym[0]
    listed = network.api("GET", "/api/v1/collections", params={"per_page": 100}).json()
    assert set(listed) == {"items", "total", "page", "per_page"}
    mine = next(item for item in listed["items"] if item["id"] == earlier["id"])
    assert mine["created_by_name"] and mine["scope"]["municipality"] == "kyshtym"

    assert network.api("POST", f"/api/v1/collections/{earlier['id']}/rebuild").status_code == 401
    assert network.api("POST", f"/api/v1/collections/{earlier['id']}/rebuild",
                       user="school-kyshtym").status_code == 403
    assert network.api("POST", "/api/v1/collections/999999/rebuild", user="reviewer-chippkro").status_code == 404
    again = network.api("POST", f"/api/v1/collections/{earlier['id']}/rebuild", user="reviewer-chippkro")
    assert again.status_code == 202 and again.json()["rebuilt_from"] == earlier["id"]
    assert again.json()["edition"]["foreword"] == FRONT_MATTER["foreword"]
    rebuilt = eventually(lambda: ready(network, again.json()["id"]), timeout=60, interval=0.5)
    assert rebuilt["status"] == "ready" and rebuilt["contents"] == earlier["contents"]

    page = network.api("GET", "/collections")
    assert page.status_code == 200 and "Сборник лучших практик Кыштыма" in page.text and "Кыштым" in page.text


def test_a_collection_with_nothing_to_include_is_422_and_files_wait_for_the_build(network):
    empty = network.api("POST", "/api/v1/collections", user="reviewer-chippkro",
                        json={"title": "Пустой сборник", "direction": "Нет такого направления"})
    assert empty.status_code == 422
    assert network.api("POST", "/api/v1/collections", json={"title": "Гостевой"}).status_code == 401
    wrong_order = network.api("POST", "/api/v1/collections", user="reviewer-chippkro",
                              json={"title": "Сборник", "order": "alphabet"})
    assert wrong_order.status_code == 422 and "order" in wrong_order.json()["error"]["fields"]
