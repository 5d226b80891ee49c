"""A third entry kind installed as an outside package (plugins/mentoring_programme) speaks its own words
in the authoring form, the entry's page, the search facets and the Excel template, and imports from
that template: the network is started with the package on its path and nothing else changed."""
import html
import io
import re
import subprocess
import sys
import uuid

import pytest
from openpyxl import load_workbook

from application.running import RunningNetwork, eventually
from shared.config import REPO_ROOT
from tests.integration.test_excel_import import drafts, filled_template, post, trial
from tests.integration.test_registry_api import publish
from tests.integration.test_web_pages import csrf_of, signed_in

METHODIST = "methodist-kopeysk"  # the one the Excel import helpers sign in as
KIND_TITLE = "Программа наставничества"


@pytest.fixture(scope="module")
def plugin_network(tmp_path_factory):
    """A network (SQLite) whose every process finds the plugin on its PYTHONPATH, as after a pip install."""
    work_dir = tmp_path_factory.mktemp("entry-kind-plugin")
    site = work_dir / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(site), str(REPO_ROOT / "plugins" / "mentoring_programme")],
                   check=True, capture_output=True)
    running = RunningNetwork("sqlite", work_dir, env={"PYTHONPATH": str(site)})
    try:
        yield running.start()
    finally:
        running.close()


def options(page, name):
    """``{value: label}`` of the form's ``<select name=…>``."""
    select = re.search(rf'<select[^>]* name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return {value: html.unescape(label) for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)<', select)}


def label_of(page, name):
    return html.unescape(re.search(rf'<label for="{name}"[^>]*>\s*([^<]+?)\s*<', page).group(1))


def test_the_authoring_form_and_the_entry_page_use_the_plugins_labels(plugin_network):
    browser = signed_in(plugin_network, METHODIST)
    form = browser.get(plugin_network.url("/entries/new?kind=mentoring_programme"), timeout=30)
    assert form.status_code == 200 and "Новая запись: программа наставничества" in form.text
    assert label_of(form.text, "mentoring_form") == "Форма наставничества"
    assert options(form.text, "mentoring_form") == {
        "": "— выберите —", "teacher_teacher": "Педагог — педагог", "teacher_student": "Педагог — ученик",
        "student_student": "Ученик — ученик", "employer_student": "Работодатель — ученик"}
    assert options(form.text, "format")["at_workplace"] == "На рабочем месте наставника"
    assert "Классы наставляемых" in form.text and "Длительность программы, мес." in form.text

    title = f"Наставничество «Ученик — ученик» {uuid.uuid4().hex[:6]}"
    created = browser.post(plugin_network.url("/entries/new"), timeout=30, data={
        "csrf_token": csrf_of(form), "kind": "mentoring_programme", "title": title,
        "mentoring_form": "student_student", "format": "at_workplace", "grades": ["5", "6", "7"],
        "duration_months": "9"})
    assert created.status_code == 200 and "/practices/" in created.url, created.text
    page = html.unescape(created.text)
    for label, shown in [("Форма наставничества", "Ученик — ученик"), ("Формат", "На рабочем месте наставника"),
                         ("Классы наставляемых", "5–7"), ("Длительность программы", "9 мес.")]:
        assert f"<dt>{label}</dt><dd>{shown}</dd>" in page


def test_search_offers_the_plugins_format_and_grades_and_titles_its_facets(plugin_network):
    word = f"наставник{uuid.uuid4().hex[:6]}"
    publish(plugin_network, {"kind": "mentoring_programme", "title": f"Программа «{word}»",
                             "mentoring_form": "employer_student", "format": "at_workplace", "grades": [2, 3]})

    def found():
        page = plugin_network.api("GET", "/search", params={"q": word}).text
        return html.unescape(page) if "Найдено: 1" in page else None

    page = eventually(found, timeout=30)
    assert f">{KIND_TITLE} (1)</a>" in page  # «По видам»
    assert ">На рабочем месте наставника (1)</a>" in page  # «По формату»
    assert options(page, "format")["at_workplace"] == "На рабочем месте наставника"
    assert options(page, "grade")["2"] == "2 класс"  # the trials' classes start at 6

    api = plugin_network.api("GET", "/api/v1/search", params={"format": "at_workplace", "grade": 3, "q": word})
    assert api.status_code == 200, api.text
    assert api.json()["facets"]["format"] == {"at_workplace": 1}


def dropdown(workbook, title):
    """The values of the «Записи» sheet's dropdown in the column titled ``title``."""
    sheet = workbook["Записи"]
    letter = next(cell.column_letter for cell in sheet[1] if cell.value == title)
    rule = next(rule for rule in sheet.data_validations.dataValidation if str(rule.sqref).startswith(f"{letter}2:"))
    listed, cells = rule.formula1.split("!")
    first, last = cells.replace("$", "").split(":")
    return [row[0].value for row in workbook[listed.strip("'")][f"{first}:{last}"]]


def test_the_excel_template_has_the_plugins_columns_and_dropdowns(plugin_network):
    served = plugin_network.api("GET", "/api/v1/practices/import/template.xlsx")
    assert served.status_code == 200
    workbook = load_workbook(io.BytesIO(served.content))
    header = [cell.value for cell in workbook["Записи"][1]]
    assert {"Форма наставничества", "Длительность, мес."} <= set(header)
    assert KIND_TITLE in dropdown(workbook, "Вид записи")
    assert dropdown(workbook, "Форма наставничества") == [
        "Педагог — педагог", "Педагог — ученик", "Ученик — ученик", "Работодатель — ученик"]
    # One «Формат» column for every kind that has the field: the trials' values, then the programme's own.
    assert dropdown(workbook, "Формат") == ["Очно", "Дистанционно", "Смешанный", "На рабочем месте наставника"]
    example = dict(zip(header, [cell.value for cell in workbook["Записи"][4]]))
    assert (example["Вид записи"], example["Форма наставничества"], example["Классы"]) == \
        (KIND_TITLE, "Ученик — ученик", "5-7")
    explained = {row[0]: row[2] for row in workbook["Пояснения"].iter_rows(min_row=2, values_only=True)}
    assert "Работодатель — ученик" in explained["Форма наставничества"]


def test_the_template_filled_in_imports_a_programme_beside_a_trial(plugin_network):
    title = f"Наставничество на заводе {uuid.uuid4().hex[:6]}"
    programme = {"Вид записи": KIND_TITLE, "Название": title, "Форма наставничества": "Работодатель — ученик",
                 "Формат": "на рабочем месте наставника", "Классы": "9-11", "Длительность, мес.": "6"}
    wrong = {**programme, "Название": "Наставничество смешанное", "Формат": "Смешанный"}
    trial_title = f"Профпроба «Кондитер» {uuid.uuid4().hex[:6]}"
    checked = post(plugin_network, filled_template(plugin_network, programme, trial(trial_title), wrong),
                   dry_run="true")
    assert checked.status_code == 200, checked.text
    report = checked.json()
    assert (report["valid"], report["invalid"]) == (2, 1)  # «Смешанный» is a trial's format only
    assert any(message.startswith("Строка 4, столбец «Формат»:") for message in report["rows"][2]["messages"])

    imported = post(plugin_network, filled_template(plugin_network, programme, trial(trial_title)), dry_run="false")
    assert imported.status_code == 200 and imported.json()["created"] == 2, imported.text
    content = drafts(plugin_network)[title]
    assert (content["kind"], content["mentoring_form"], content["format"], content["grades"],
            content["duration_months"]) == ("mentoring_programme", "employer_student", "at_workplace", [9, 10, 11], 6)
    assert drafts(plugin_network)[trial_title]["format"] == "in_person"
