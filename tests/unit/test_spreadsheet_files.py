"""Broken, hostile and foreign spreadsheets are refused with a reason (422/413/415), never a 500."""
import io
import time
import zipfile

import pytest

from services.gateway import spreadsheets
from shared.errors import NetworkError

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"


def with_parts(replaced, compression=zipfile.ZIP_DEFLATED):
    """The import template with some parts replaced or added."""
    template = zipfile.ZipFile(io.BytesIO(spreadsheets.template()))
    parts = {name: template.read(name) for name in template.namelist()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as package:
        for name, content in {**parts, **replaced}.items():
            package.writestr(name, content)
    return buffer.getvalue()


def sheet(rows_xml, prolog=""):
    return f'<?xml version="1.0"?>{prolog}<worksheet xmlns="{MAIN}"><sheetData>{rows_xml}</sheetData></worksheet>'


def refusal(data, filename="spisok.xlsx"):
    with pytest.raises(NetworkError) as refused:
        spreadsheets.refuse_other_spreadsheets(data, filename)
        spreadsheets.read_sheet(data)
    return refused.value.status, refused.value.fields["file"][0]


def test_the_template_itself_reads():
    assert [row["row"] for row in spreadsheets.read_sheet(spreadsheets.template()).rows] == [2, 3]


def test_broken_sheet_xml_is_422_with_the_reason():
    status, reason = refusal(with_parts({SHEET: f'<worksheet xmlns="{MAIN}"><sheetData><row>'}))
    assert status == 422 and "XML листа" in reason


def test_a_shared_string_index_that_points_nowhere_is_422():
    status, reason = refusal(with_parts({SHEET: sheet('<row r="1"><c r="A1" t="s"><v>99</v></c></row>')}))
    assert status == 422 and "общем списке строк" in reason


def test_entity_declarations_are_refused_before_parsing():
    laughs = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
              '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')
    status, reason = refusal(with_parts({SHEET: sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c>'
                                                      '</row>', prolog=laughs)}))
    assert status == 422 and "DOCTYPE" in reason


def test_a_missing_part_is_refused():
    data = with_parts({"xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/'
                       'package/2006/relationships"><Relationship Id="rId1" Target="/xl/worksheets/none.xml" '
                       'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
                       '</Relationships>'})
    status, _ = refusal(data)
    assert status in (415, 422)


def test_not_a_zip_is_415():
    assert refusal(b"kind;title\nbest_practice;x\n", None)[0] == 415


def test_a_zip_bomb_is_413_before_anything_unpacks_it():
    bomb = with_parts({"xl/media/zeros.bin": b"\0" * (200 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    started = time.monotonic()
    status, reason = refusal(bomb)
    assert status == 413 and "20 МБ" in reason
    assert time.monotonic() - started < 5


def test_a_part_compressed_beyond_any_real_sheet_is_413():
    status, reason = refusal(with_parts({"xl/media/zeros.bin": b"\0" * (15 * 1024 * 1024)}))
    assert status == 413 and "zip-бомбу" in reason


@pytest.mark.parametrize("filename", ["spisok.xls", "spisok.ods", "spisok.csv"])
def test_other_formats_are_told_to_save_as_xlsx(filename):
    status, reason = refusal(b"whatever", filename)
    assert status == 415 and "сохраните файл в формате .xlsx" in reason


def test_a_real_xls_or_ods_is_recognised_by_content_whatever_its_name():
    xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("content.xml", "<office:document-content/>")
    for data in (xls, ods.getvalue()):
        assert "сохраните файл в формате .xlsx" in refusal(data, "spisok.xlsx")[1]
