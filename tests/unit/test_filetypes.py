"""Uploads are judged by content; the declared type and the name must agree with it."""
import io
import zipfile

import pytest

from shared import filetypes
from shared.errors import UnsupportedMediaType
from shared.filetypes import DOCX, PDF, PNG, XLSX, inspect, inspect_as

REAL_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
REAL_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 512


def package(parts, content_types='<Types><Default Extension="xml" ContentType="application/xml"/></Types>'):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if content_types is not None:
            archive.writestr("[Content_Types].xml", content_types)
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def reason(data, declared=None, filename=None):
    with pytest.raises(UnsupportedMediaType) as refused:
        inspect(data, declared, filename)
    assert refused.value.status == 415
    return refused.value.fields["file"][0]


def test_genuine_files_pass_with_or_without_a_declared_type():
    assert inspect(REAL_PDF, "application/pdf", "programma.pdf") == PDF
    assert inspect(REAL_PNG, None, None) == PNG
    assert inspect(REAL_PNG, "application/octet-stream", "foto.png") == PNG
    assert inspect(package({"word/document.xml": "<w/>"}), "application/msword", "metodichka.docx") == DOCX
    assert inspect(package({"xl/workbook.xml": "<wb/>"}), "application/zip", "spisok.xlsx") == XLSX


def test_a_renamed_windows_program_is_refused_as_an_executable():
    assert "Исполняемые" in reason(WINDOWS_PROGRAM, "application/pdf", "programma.pdf")
    assert "Исполняемые" in reason(b"#!/bin/sh\nrm -rf /\n", "image/png", "foto.png")
    assert "Исполняемые" in reason(REAL_PDF, "application/pdf", "programma.pdf.exe")


def test_a_fake_pdf_is_refused_for_its_content():
    assert "не похоже" in reason("Это просто текст, а не PDF".encode(), "application/pdf", "otchet.pdf")


def test_the_declared_type_must_name_what_the_content_is():
    assert "объявлен как PDF, а по содержимому это PNG" in reason(REAL_PNG, "application/pdf", "foto")


def test_the_extension_must_name_what_the_content_is():
    assert "«.pdf»" in reason(REAL_PNG, None, "kartinka.pdf")


def test_a_zip_without_office_content_types_is_not_an_office_document():
    assert "не похоже" in reason(package({"word/document.xml": "<w/>"}, content_types=None), None, "a.docx")


@pytest.mark.parametrize("parts,content_types", [
    ({"word/document.xml": "<w/>", "word/vbaProject.bin": b"\x00" * 10}, None),
    ({"xl/workbook.xml": "<wb/>"},
     '<Types><Override PartName="/xl/workbook.xml" '
     'ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>'),
])
def test_macro_enabled_documents_are_refused(parts, content_types):
    data = package(parts) if content_types is None else package(parts, content_types)
    assert "макрос" in reason(data, None, "doc.docx")


def test_a_macro_enabled_file_name_is_refused():
    assert "макрос" in reason(package({"xl/workbook.xml": "<wb/>"}), None, "spisok.xlsm")


def test_a_program_inside_a_document_is_refused():
    assert "исполняемый" in reason(package({"word/document.xml": "<w/>", "word/embeddings/run.exe": "MZ"}))


def test_a_document_that_unpacks_to_too_much_is_refused_as_a_zip_bomb(monkeypatch):
    monkeypatch.setattr(filetypes, "MAX_UNPACKED_BYTES", 1024 * 1024)
    bomb = package({"word/document.xml": "<w/>", "word/media/zeros.xml": b"\x00" * (2 * 1024 * 1024)})
    assert len(bomb) < 10 * 1024
    assert "zip-бомб" in reason(bomb, None, "bomb.docx")


def test_an_import_accepts_only_a_spreadsheet():
    with pytest.raises(UnsupportedMediaType) as refused:
        inspect_as(XLSX, REAL_PDF, None, "spisok")
    assert "Ожидался файл XLSX" in refused.value.fields["file"][0]
