"""The import reads what methodists write (form labels, class ranges, licences as written, decimal
commas) and says what is wrong by the file's row and column titles."""
import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
from openpyxl import Workbook, load_workbook

from services.gateway import spreadsheets
from shared.errors import ValidationFailed
from shared.plugins import CellError, number_list

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER = ["Вид записи", "Название", "Профессия", "Классы", "Длительность, ч", "Формат", "Уровень профминимума",
          "Лицензия"]


def book(header, *rows):
    workbook = Workbook()
    for line in (header, *rows):
        workbook.active.append(line)
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def one_row(*cells, header=HEADER):
    sheet = spreadsheets.read_sheet(book(header, list(cells)))
    return sheet.rows[0]["values"], sheet.problems.get(2, {})


@pytest.mark.parametrize("written, grades", [("8-9", [8, 9]), ("8–9", [8, 9]), ("8 - 10", [8, 9, 10]),
                                             ("8, 9, 10", [8, 9, 10]), ("8 9", [8, 9]), ("7; 9", [7, 9]),
                                             (9, [9])])
def test_classes_as_ranges_and_lists(written, grades):
    values, problems = one_row("Профессиональная проба", "Проба", "Повар", written)
    assert values["grades"] == grades and not problems


def test_form_labels_licences_and_a_decimal_comma_become_codes():
    values, problems = one_row(" профессиональная проба ", "Проба", "Повар", "8-9", "1,5", "ОЧНО", "Основной",
                               "CC BY-SA 4.0")
    assert not problems
    assert values == {"kind": "career_trial", "title": "Проба", "profession": "Повар", "grades": [8, 9],
                      "duration_hours": 1.5, "format": "in_person", "profminimum_level": "main",
                      "license": "cc-by-sa-4.0"}


@pytest.mark.parametrize("written", ["CC BY 4.0", "cc-by-4.0", "CC BY 4.0 — с указанием авторства"])
def test_a_licence_as_written_or_as_its_code(written):
    values, _ = one_row("Лучшая практика", "Практика", None, None, None, None, None, written)
    assert values["license"] == "cc-by-4.0"


def test_codes_are_still_accepted():
    values, problems = one_row("career_trial", "Проба", "Повар", "8", 2, "remote", "basic", "cc0-1.0")
    assert (values["kind"], values["format"], values["profminimum_level"], values["license"]) == \
        ("career_trial", "remote", "basic", "cc0-1.0") and not problems


def test_a_misspelt_header_is_refused_with_the_closest_title_before_any_row():
    with pytest.raises(ValidationFailed) as refused:
        spreadsheets.read_sheet(book(["Вид записи", "Название", "Клсасы", "Цвет"], ["career_trial", "Проба", "8"]))
    reasons = refused.value.fields["file"]
    assert reasons[0] == "Столбец «Клсасы» не распознан — возможно, «Классы»?"
    assert reasons[1].startswith("Столбец «Цвет» не распознан; столбцы шаблона:")
    assert "ни одна строка не загружена" in refused.value.message


def test_a_repeated_header_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        spreadsheets.read_sheet(book(["Вид записи", "Название", "Классы", "grades"]))
    assert refused.value.fields["file"] == ["Столбец «grades» встречается дважды"]


def test_errors_name_the_row_and_the_column_as_titled_in_the_file():
    sheet = spreadsheets.read_sheet(book(["вид записи", "Название", "классы", "Формат"],
                                         ["Профессиональная проба", "Проба", "8-9", "Очно"],
                                         ["Профессиональная проба", "Проба", "8, девятый", "Онлайн"]))
    report = {"total": 2, "valid": 2, "invalid": 0, "created": 0, "dry_run": True,
              "rows": [{"row": 2, "title": "Проба", "status": "invalid",
                        "errors": {"profession": ["Обязательное поле."]}},
                       {"row": 3, "title": "Проба", "status": "valid", "errors": {"grades": {"0": ["Не меньше 6"]}}}]}
    explained = spreadsheets.explain(report, sheet)
    assert explained["rows"][0]["messages"] == ["Строка 2, столбец «Профессия»: Обязательное поле."]
    messages = explained["rows"][1]["messages"]
    assert "Строка 3, столбец «классы»: «девятый» — не число; пишите, например, «8-9» или «8, 9, 10»" in messages
    assert any(text.startswith("Строка 3, столбец «Формат»: «Онлайн» — нет такого значения; допустимы: «Очно»")
               for text in messages)
    assert (explained["valid"], explained["invalid"]) == (0, 2)
    assert not any("grades" in text or "format" in text for text in messages)


def test_a_date_excel_made_of_classes_is_explained():
    from datetime import datetime
    _, problems = one_row("Профессиональная проба", "Проба", "Повар", datetime(2026, 9, 8))
    assert "текстовый формат" in problems["grades"][0]


def test_number_list_refuses_words():
    with pytest.raises(CellError):
        number_list("восьмой")


def test_the_template_is_in_russian_with_dropdowns_and_explanations():
    data = spreadsheets.template()
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Записи", "Пояснения", "Списки"]
    assert workbook["Списки"].sheet_state == "hidden"
    entries = workbook["Записи"]
    header = [cell.value for cell in entries[1]]
    assert all(re.search("[А-Яа-я]", title) for title in header)
    trial = dict(zip(header, [cell.value for cell in entries[3]]))
    assert (trial["Вид записи"], trial["Классы"], trial["Формат"], trial["Уровень профминимума"],
            trial["Лицензия"]) == ("Профессиональная проба", "8-9", "Очно", "Основной", "CC BY 4.0")
    lists = {str(rule.sqref).split(":")[0]: rule.formula1 for rule in entries.data_validations.dataValidation}
    letter = {title: entries.cell(1, index + 1).column_letter for index, title in enumerate(header)}
    for title, label in [("Вид записи", "Лучшая практика"), ("Формат", "Очно"),
                         ("Уровень профминимума", "Основной"), ("Лицензия", "CC BY-SA 4.0"),
                         ("Направление", "Наставничество")]:
        sheet_name, cells = lists[f"{letter[title]}2"].split("!")
        values = [cell.value for row in workbook[sheet_name.strip("'")][cells.replace("$", "")] for cell in row]
        assert label in values
    explained = {row[0].value: [cell.value for cell in row] for row in workbook["Пояснения"].iter_rows(min_row=2)}
    assert set(explained) == set(header) and "обязательно" in explained["Классы"][1]
    xml = ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml"))
    rules = xml.findall(f"{{{MAIN}}}dataValidations/{{{MAIN}}}dataValidation")
    assert [rule.get("type") for rule in rules] == ["list"] * 5
    assert all(rule.findtext(f"{{{MAIN}}}formula1").startswith("'Списки'!$") for rule in rules)
    workbook_xml = ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml"))
    states = {sheet.get("name"): sheet.get("state") for sheet in workbook_xml.iter(f"{{{MAIN}}}sheet")}
    assert states["Списки"] == "hidden"
    assert [row["row"] for row in spreadsheets.read_sheet(data).rows] == [2, 3]
