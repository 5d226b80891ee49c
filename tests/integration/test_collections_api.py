"""One-click collections (сборники): requested, built in the background, opened in Word and as PDF."""
import io

from docx import Document
from pypdf import PdfReader

from tests.support import eventually

KYSHTYM_PROGRAMMES = ("Оператор лазерного станка", "Оператор станков с числовым программным управлением",
                      "Портной", "Специалист по кибербезопасности", "Эколог")


def ready(network, collection_id):
    collection = network.api("GET", f"/api/v1/collections/{collection_id}").json()
    return collection if collection["status"] in ("ready", "failed") else None


def test_the_kyshtym_collection_contains_the_five_trial_programmes(network):
    requested = network.api("POST", "/api/v1/collections", user="methodist-kyshtym",
                            json={"title": "Сборник лучших практик Кыштыма", "municipality": "kyshtym"})
    assert requested.status_code == 202 and requested.json()["status"] == "queued"
    collection = eventually(lambda: ready(network, requested.json()["id"]), timeout=60, interval=0.5)
    assert collection["status"] == "ready" and collection["progress"] == 100
    assert all(item["version"] >= 1 for item in collection["contents"])

    word = Document(io.BytesIO(network.api("GET", collection["docx_url"]).content))
    text = "\n".join(paragraph.text for paragraph in word.paragraphs)
    assert "Сборник лучших практик Кыштыма" in text
    assert all(programme in text for programme in KYSHTYM_PROGRAMMES)
    assert "Указатель по муниципалитетам" in text

    pdf = PdfReader(io.BytesIO(network.api("GET", collection["pdf_url"]).content))
    pdf_text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert "Сборник лучших практик Кыштыма" in pdf_text and "Кыштым" in pdf_text
    assert all(programme.split()[0] in pdf_text for programme in KYSHTYM_PROGRAMMES)


def test_a_collection_with_nothing_to_include_is_422_and_files_wait_for_the_build(network):
    empty = network.api("POST", "/api/v1/collections", user="reviewer-chippkro",
                        json={"title": "Пустой сборник", "direction": "Нет такого направления"})
    assert empty.status_code == 422
    assert network.api("POST", "/api/v1/collections", json={"title": "Гостевой"}).status_code == 401
