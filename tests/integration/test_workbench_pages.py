"""The methodist's workbench and the reviewer's page over plain HTTP, as a newcomer walks them: a trial
drafted, given a PDF and submitted from its own page, returned with a comment, fixed and resubmitted,
then approved by a reviewer who sees labels (not codes) and what changed since the return."""
import re
import uuid
from datetime import date, timedelta

from lxml import html

from application.running import eventually
from tests.integration.test_web_pages import csrf_of, signed_in

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def text_of(response, xpath):
    texts = (" ".join(node.itertext()) for node in html.fromstring(response.text).xpath(xpath))
    return " ".join(" ".join(texts).split())


def trial_form(csrf, title, profession, duration):
    return {"csrf_token": csrf, "kind": "career_trial", "title": title, "summary": "Проба для восьмиклассников",
            "profession": profession, "grades": ["8", "9"], "duration_hours": duration, "format": "in_person",
            "profminimum_level": "main", "license": "cc-by-4.0"}


def test_a_trial_goes_from_draft_to_published_without_the_cabinet_table(network):
    methodist = signed_in(network, "methodist-kyshtym")
    title = f"Проба сварщика {uuid.uuid4().hex[:6]}"
    form = methodist.get(network.url("/entries/new?kind=career_trial"), timeout=30)
    created = methodist.post(network.url("/entries/new"), data=trial_form(csrf_of(form), title, "Сварщик", "3"),
                             timeout=30)
    entry_id = int(re.search(r"/practices/(\d+)", created.url).group(1))
    assert "Отправить на рассмотрение" in created.text

    # The upload form opened from the draft's page offers the draft, already chosen.
    upload_form = methodist.get(network.url(f"/resources/new?practice_id={entry_id}"), timeout=30)
    chosen = html.fromstring(upload_form.text).xpath('//select[@id="practice_id"]/option[@selected]')
    assert [option.get("value") for option in chosen] == [str(entry_id)]
    uploaded = methodist.post(network.url("/resources/new"), timeout=30, data={
        "csrf_token": csrf_of(upload_form), "title": "Программа пробы", "practice_id": str(entry_id),
        "license": "cc-by-4.0"}, files={"file": ("programma.pdf", PDF, "application/pdf")})
    assert uploaded.url.endswith(f"/practices/{entry_id}?done=uploaded")
    eventually(lambda: "Программа пробы" in methodist.get(network.url(f"/practices/{entry_id}"), timeout=30).text)

    # A session in the past is refused beside its field; a draft's session is not said to be bookable.
    page = methodist.get(network.url(f"/practices/{entry_id}"), timeout=30)
    past = methodist.post(network.url(f"/practices/{entry_id}/sessions"), timeout=30, data={
        "csrf_token": csrf_of(page), "day": (date.today() - timedelta(days=2)).isoformat(),
        "starts_at": "10:00", "ends_at": "12:00", "capacity": "10"})
    assert past.status_code == 422 and "уже прошло" in text_of(past, '//*[@id="starts_at-error"]')
    future = methodist.post(network.url(f"/practices/{entry_id}/sessions"), timeout=30, data={
        "csrf_token": csrf_of(page), "day": (date.today() + timedelta(days=20)).isoformat(),
        "starts_at": "10:00", "ends_at": "12:30", "capacity": "10"})
    assert "школы уже могут записываться" not in future.text
    assert "10:00 — 12:30" in text_of(future, '//li[contains(@class, "session")]/h3')

    submitted = methodist.post(network.url(f"/entries/{entry_id}/submit"), timeout=30,
                               data={"csrf_token": csrf_of(future), "return_to": "entry"})
    assert submitted.url.endswith(f"/practices/{entry_id}?done=submit")
    assert "Забрать с рассмотрения" in submitted.text

    reviewer = signed_in(network, "reviewer-chippkro")
    cabinet = reviewer.get(network.url("/cabinet"), timeout=30)
    assert "Назначений экспертом нет" not in cabinet.text
    queue_at, assignments_at = cabinet.text.index('id="queue"'), cabinet.text.find('id="assignments"')
    assert assignments_at == -1 or queue_at < assignments_at  # the queue first; no empty expert section
    review = reviewer.get(network.url(f"/review/{entry_id}"), timeout=30)
    shown = text_of(review, '//table[@aria-labelledby="changes"]//td')
    for label in ("Очно", "Основной", "CC BY 4.0", "3 ч", "8–9 классы"):
        assert label in shown, label
    assert "in_person" not in shown and "cc-by-4.0" not in shown
    assert "Программа пробы" in review.text and "12:30" in review.text

    # A return without a comment: the error at the top, focus on it.
    refused = reviewer.post(network.url(f"/entries/{entry_id}/request-changes"), timeout=30,
                            data={"csrf_token": csrf_of(review), "comment": ""})
    summary = html.fromstring(refused.text).xpath('//*[@id="error-summary"]')
    assert refused.status_code == 422 and summary and summary[0].get("tabindex") == "-1"
    assert summary[0].get("autofocus") is not None
    assert refused.text.index('id="error-summary"') < refused.text.index("<h1")
    reviewer.post(network.url(f"/entries/{entry_id}/request-changes"), timeout=30,
                  data={"csrf_token": csrf_of(review), "comment": "Уточните профессию: газосварщик или электросварщик?"})

    edit = methodist.get(network.url(f"/entries/{entry_id}/edit"), timeout=30)
    assert "газосварщик или электросварщик" in text_of(edit, '//*[contains(@class, "decision-note")]')
    data = trial_form(csrf_of(edit), title, "Электрогазосварщик", "2.5")
    data["revision"] = html.fromstring(edit.text).xpath('//input[@name="revision"]/@value')[0]
    saved = methodist.post(network.url(f"/entries/{entry_id}/edit"), data=data, timeout=30)
    assert saved.url.endswith(f"/practices/{entry_id}?done=saved")
    methodist.post(network.url(f"/entries/{entry_id}/submit"), timeout=30,
                   data={"csrf_token": csrf_of(saved), "return_to": "entry"})

    again = reviewer.get(network.url(f"/review/{entry_id}"), timeout=30)
    rows = html.fromstring(again.text).xpath('//table[contains(@class, "since-returned")]/tbody/tr')
    changed = {" ".join(row.xpath("string(th)").split()):
               [" ".join(td.text_content().split()) for td in row.xpath("td")] for row in rows}
    assert changed["Профессия"] == ["Сварщик", "Электрогазосварщик"]
    assert changed["Продолжительность, ч"] == ["3 ч", "2,5 ч"]
    assert "Название" not in changed  # unchanged fields are not listed as changes
    approved = reviewer.post(network.url(f"/entries/{entry_id}/approve"), timeout=30,
                             data={"csrf_token": csrf_of(again), "comment": ""})
    assert approved.url.endswith("/cabinet?done=approve")
    assert network.api("GET", f"/api/v1/practices/{entry_id}").json()["status"] == "approved"


def test_the_cabinet_filters_searches_sorts_and_pages_the_entries(network):
    methodist = signed_in(network, "methodist-kyshtym")
    mark = uuid.uuid4().hex[:6]
    form = methodist.get(network.url("/entries/new?kind=career_trial"), timeout=30)
    for letter in "ВБА":
        methodist.post(network.url("/entries/new"), timeout=30,
                       data=trial_form(csrf_of(form), f"{letter} поиск {mark}", "Токарь", "2"))
    found = methodist.get(network.url("/cabinet"), params={"q": mark, "sort": "title", "status": "draft",
                                                          "kind": "career_trial"}, timeout=30)
    titles = [" ".join(a.text_content().split()) for a in html.fromstring(found.text).xpath('//tr[@data-entry]/td[1]/a')]
    assert titles == [f"А поиск {mark}", f"Б поиск {mark}", f"В поиск {mark}"]
    none = methodist.get(network.url("/cabinet"), params={"q": mark, "status": "approved"}, timeout=30)
    assert "Под этот отбор записей нет" in none.text
    assert "Найдено записей: 3" in found.text
    beyond = methodist.get(network.url("/cabinet"), params={"q": mark, "page": "2"}, timeout=30)
    back = html.fromstring(beyond.text).xpath('//nav[@class="pager"]/a/@href')
    assert "их всего 3" in beyond.text and back == [f"/cabinet?q={mark}&page=1"]
