"""A methodist's Excel list as she keeps it: the template filled in the words of the forms imports,
a misspelt header is refused by name, a clean check is imported by its token, LibreOffice's files pass."""
import io
import shutil
import subprocess
import uuid

import pytest
from openpyxl import load_workbook

from tests.integration.test_web_pages import csrf_of, signed_in

METHODIST = "methodist-kopeysk"


def filled_template(network, *rows):
    """The served template with its example rows replaced by ``rows`` ({column title: value})."""
    workbook = load_workbook(io.BytesIO(network.api("GET", "/api/v1/practices/import/template.xlsx").content))
    sheet = workbook["Записи"]
    header = [cell.value for cell in sheet[1]]
    sheet.delete_rows(2, sheet.max_row)
    for row in rows:
        sheet.append([row.get(title) for title in header])
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def trial(title, **changes):
    return {"Вид записи": "Профессиональная проба", "Название": title, "Профессия": "Кондитер", "Классы": "8-9",
            "Длительность, ч": "1,5", "Формат": "Очно", "Уровень профминимума": "Основной",
            "Лицензия": "CC BY 4.0", **changes}


def post(network, data, **params):
    return network.api("POST", "/api/v1/practices/import", user=METHODIST, params=params,
                       files={"file": ("spisok.xlsx", data)} if data else None)


def drafts(network):
    listed = network.api("GET", "/api/v1/practices", user=METHODIST, params={"status": "draft", "per_page": 100})
    return {item["title"]: item for item in listed.json()["items"]}


def test_the_template_in_russian_words_is_checked_then_imported_by_its_token(network):
    title = f"Профпроба «Кондитер» {uuid.uuid4().hex[:6]}"
    checked = post(network, filled_template(network, trial(title)), dry_run="true")
    assert checked.status_code == 200, checked.text
    report = checked.json()
    assert (report["valid"], report["invalid"]) == (1, 0) and report["token"]

    imported = network.api("POST", "/api/v1/practices/import", user=METHODIST,
                           params={"dry_run": "false", "token": report["token"]})
    assert imported.status_code == 200 and imported.json()["created"] == 1
    content = drafts(network)[title]
    assert (content["grades"], content["format"], content["profminimum_level"], content["duration_hours"]) == \
        ([8, 9], "in_person", "main", 1.5)

    again = network.api("POST", "/api/v1/practices/import", user=METHODIST,
                        params={"dry_run": "false", "token": report["token"]})
    assert again.status_code == 404 and "проверьте его снова" in again.json()["error"]["message"]


def test_another_account_cannot_import_a_checked_file(network):
    token = post(network, filled_template(network, trial("Профпроба чужая")), dry_run="true").json()["token"]
    other = network.api("POST", "/api/v1/practices/import", user="methodist-kyshtym",
                        params={"dry_run": "false", "token": token})
    assert other.status_code == 404


def test_a_misspelt_header_is_refused_naming_it_and_nothing_is_imported(network):
    data = filled_template(network, trial("Профпроба с опечаткой"))
    workbook = load_workbook(io.BytesIO(data))
    header = [cell.value for cell in workbook["Записи"][1]]
    workbook["Записи"].cell(1, header.index("Классы") + 1, "Клсасы")
    buffer = io.BytesIO()
    workbook.save(buffer)
    refused = post(network, buffer.getvalue(), dry_run="false")
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"]["file"] == ["Столбец «Клсасы» не распознан — возможно, «Классы»?"]
    assert "Профпроба с опечаткой" not in drafts(network)


def test_errors_cite_the_rows_and_columns_of_the_file(network):
    data = filled_template(network, trial("Профпроба без ошибок"), trial("Профпроба с ошибкой", Классы="5-6",
                                                                         Формат="Онлайн"))
    report = post(network, data, dry_run="true").json()
    assert "token" not in report and report["rows"][1]["row"] == 3
    messages = report["rows"][1]["messages"]
    assert any(text.startswith("Строка 3, столбец «Формат»: «Онлайн» — нет такого значения") for text in messages)
    assert any(text.startswith("Строка 3, столбец «Классы»: 1-е значение:") for text in messages)
    refused = post(network, data, dry_run="false")
    assert refused.status_code == 422 and refused.json()["error"]["fields"]["rows"]["3"] == messages


def test_the_web_page_checks_then_imports_without_a_second_upload(network):
    browser = signed_in(network, METHODIST)
    title = f"Профпроба со страницы {uuid.uuid4().hex[:6]}"
    page = browser.get(network.url("/entries/import"), timeout=30)
    checked = browser.post(network.url("/entries/import"), data={"csrf_token": csrf_of(page), "dry_run": "true"},
                           files={"file": ("spisok.xlsx", filled_template(network, trial(title)))}, timeout=30)
    assert checked.status_code == 200 and "Импортировать" in checked.text
    token = checked.text.split('name="token" value="')[1].split('"')[0]
    imported = browser.post(network.url("/entries/import"), data={"csrf_token": csrf_of(checked), "token": token,
                                                                  "dry_run": "false"}, timeout=30)
    assert imported.url.endswith("/cabinet?done=imported") and title in drafts(network)

    bad = filled_template(network, trial("Профпроба", Формат="Онлайн"))
    report = browser.post(network.url("/entries/import"), data={"csrf_token": csrf_of(imported), "dry_run": "true"},
                          files={"file": ("spisok.xlsx", bad)}, timeout=30)
    assert "Строка 2, столбец «Формат»: «Онлайн»" in report.text and "format" not in report.text.split("<table")[1]


def test_a_file_saved_by_libreoffice_still_imports(network, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) не установлен")
    title = f"Профпроба из LibreOffice {uuid.uuid4().hex[:6]}"
    source = tmp_path / "source" / "spisok.xlsx"
    source.parent.mkdir()
    source.write_bytes(filled_template(network, trial(title)))
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--convert-to", "xlsx", "--outdir", str(tmp_path / "out"), str(source)],
                   check=True, capture_output=True, timeout=120)
    converted = (tmp_path / "out" / "spisok.xlsx").read_bytes()
    assert converted != source.read_bytes()
    imported = post(network, converted, dry_run="false")
    assert imported.status_code == 200, imported.text
    assert imported.json()["created"] == 1 and title in drafts(network)
