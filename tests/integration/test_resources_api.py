"""Methodical resources: files judged by content, size limits, byte-for-byte downloads, links, search."""
import io
import zipfile

import requests

from application.running import eventually

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n" + bytes(range(256)) * 40


def upload(network, content, filename, user="methodist-kyshtym", **fields):
    return network.api("POST", "/api/v1/resources", user=user, files={"file": (filename, content)},
                       data={"title": "Программа профпробы «Эколог»", **fields})


def test_a_pdf_comes_back_byte_for_byte(network):
    created = upload(network, PDF, "programma.pdf")
    assert created.status_code == 201, created.text
    resource = created.json()
    assert resource["media_type"] == "application/pdf" and resource["municipality"] == "kyshtym"
    downloaded = network.api("GET", resource["file_url"])
    assert downloaded.status_code == 200 and downloaded.content == PDF
    assert downloaded.headers["Content-Type"] == "application/pdf"


def test_an_executable_renamed_to_pdf_is_415(network):
    executable = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 2000
    response = upload(network, executable, "programma.pdf")
    assert response.status_code == 415 and "file" in response.json()["error"]["fields"]
    elf = upload(network, b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "photo.png")
    assert elf.status_code == 415


def test_a_60_mb_upload_is_413(network):
    response = requests.post(network.url("/api/v1/resources"), timeout=120,
                             headers={"Authorization": "Bearer " + network.token("methodist-kyshtym")},
                             files={"file": ("big.pdf", b"%PDF-" + b"0" * (60 * 1024 * 1024))},
                             data={"title": "Слишком большой"})
    assert response.status_code == 413


def test_a_word_document_is_recognised_inside_its_zip(network):
    document = io.BytesIO()
    with zipfile.ZipFile(document, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    created = upload(network, document.getvalue(), "metodichka.bin", title="Методичка наставника")
    assert created.status_code == 201 and created.json()["media_type"].endswith("wordprocessingml.document")


def test_a_video_link_is_a_resource_too_and_is_found_across_cities(network):
    created = network.api("POST", "/api/v1/resources", user="methodist-snezhinsk",
                          json={"title": "Видео: робототехника на каникулах", "url": "https://example.org/video/1"})
    assert created.status_code == 201 and created.json()["file_url"] is None
    found = eventually(lambda: network.api("GET", "/api/v1/resources", params={"q": "робототехнику"}).json()["items"],
                       timeout=10)
    assert found[0]["municipality_name"] == "Снежинск" and found[0]["url"] == "https://example.org/video/1"


def test_neither_file_nor_link_is_422_and_a_guest_cannot_upload(network):
    nothing = network.api("POST", "/api/v1/resources", user="methodist-kyshtym", json={"title": "Пусто"})
    assert nothing.status_code == 422
    assert network.api("POST", "/api/v1/resources", json={"title": "Гость", "url": "https://example.org"}
                       ).status_code == 401


def test_a_resource_cannot_be_attached_to_another_citys_practice(network):
    kopeysk_practice = network.api("GET", "/api/v1/search",
                                   params={"municipality": "kopeysk", "kind": "best_practice"}).json()["items"][0]
    response = upload(network, PDF, "chuzhoe.pdf", practice_id=str(kopeysk_practice["id"]))
    assert response.status_code == 403
