"""Issue #15's festival season, walked through in Chromium: the Копейск methodist creates «РОСТ» with
three nominations and a programme and opens the call; two Копейск methodists enter a practice each; two
jurors of other cities score them blind on the expert workbench (the Копейск juror never gets one); the
organiser ranks them and announces results; the applicant is notified; the winner downloads a diploma
whose QR code opens its verification page; the organiser builds the winners' сборник.

The API only prepares what the story takes as given: a rubric, a second methodist's account, two
published practices."""
import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from application.running import eventually
from tests.browser.test_season_walkthrough import sign_in_to
from tests.integration.test_diploma_verification import scanned_qr_codes
from tests.integration.test_registry_api import publish

# ЧИППКРО, Магнитогорск and Копейск: the last never gets an entry of its own city.
JURORS = ("Елена Аркадьевна Воронцова", "Ирина Петровна Соколова", "Денис Юрьевич Романов")
SCORES = {0: {"Идея": "4", "Результат": "4"}, 1: {"Идея": "3", "Результат": "3"}}  # 80 % and 60 %


def given(network, tag):
    """A rubric of the experts', a second Копейск methodist, and a published practice of each."""
    rubric = f"rost-{tag}"
    made = network.api("POST", "/api/v1/rubrics", user="reviewer-chippkro", json={
        "code": rubric, "title": f"Рубрика жюри «РОСТ» {tag}",
        "criteria": [{"code": "idea", "title": "Идея", "max": 5}, {"code": "result", "title": "Результат", "max": 5}]})
    assert made.status_code == 201, made.text
    colleague = f"methodist-kop-{tag}"
    made = network.api("POST", "/api/v1/accounts", user="admin", json={
        "username": colleague, "password": "long-enough-2026", "role": "methodist", "municipality": "kopeysk",
        "full_name": "Светлана Олеговна Белова", "position": "методист ЦДЮТТ"})
    assert made.status_code == 201, made.text
    network.token(colleague, "long-enough-2026")  # remembered for the API calls below
    titles = [f"Техносалон юных инженеров {tag}", f"Мастерская робототехники {tag}"]
    for title, author in zip(titles, ("methodist-kopeysk", colleague)):
        publish(network, {"kind": "best_practice", "title": title}, author)
    return colleague, titles


def enter(tab, festival_id, title, application):
    """Fill the entry form and submit it; a practice published a moment ago may still be unknown to the
    festivals service (it learns it from an event), so a refusal of that kind is tried again."""
    page = tab.page

    def submitted():
        page.goto(f"/festivals/{festival_id}")
        page.get_by_role("link", name="Подать заявку").click()
        page.get_by_role("combobox", name=re.compile("^Номинация")).select_option(label="Техсалон")
        choice = page.get_by_role("combobox", name=re.compile("^Практика"))
        choice.select_option(choice.locator("option", has_text=title).get_attribute("value"))
        page.get_by_label("Текст заявки").fill(application)
        page.get_by_label("Ссылка на видео или презентацию").fill("https://video.example/rost")
        page.get_by_role("button", name="Подать заявку").click()
        return "Заявка подана" in (page.get_by_role("status").all_inner_texts() or [""])[0]
    assert eventually(submitted, timeout=30, interval=1)


def score(tab, title, scores):
    page = tab.page
    page.goto("/cabinet")
    page.get_by_role("list", name="Мои экспертизы и оценки жюри").get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", name=f"Оценка жюри: {title}")).to_be_visible()
    for criterion, value in scores.items():
        page.get_by_label(re.compile(f"^{criterion} ")).fill(value)
    expect(page.get_by_label(re.compile("^Рекомендация"))).to_have_count(0)  # a jury gives scores only
    page.get_by_role("button", name="Подать оценку").click()
    expect(page.get_by_role("status").first).to_contain_text("Рецензия подана")


def test_rost_from_the_call_to_the_winners_collection(network, visit):
    tag = uuid.uuid4().hex[:6]
    colleague, titles = given(network, tag)
    festival_title = f"Форум «РОСТ» {tag}"

    organiser = visit(mobile=True)
    page = organiser.page
    sign_in_to(organiser, "methodist-kopeysk", "/festivals/new")
    page.get_by_label("Название").fill(festival_title)
    page.get_by_label("Вид").select_option(label="Форум")
    page.get_by_label("Начало").fill("2027-04-10")
    page.get_by_label("Окончание").fill("2027-04-11")
    page.get_by_label("Место проведения").fill("Копейск, Дворец культуры")
    page.get_by_label("Описание").fill("Форум методических идей города")
    page.get_by_label("Номинации (каждая с новой строки)").fill("Техсалон\nПрофСтарт\nIQ-марафон")
    page.get_by_role("button", name="Опубликовать фестиваль").click()
    expect(page.get_by_role("status")).to_contain_text("Фестиваль опубликован")
    festival_id = int(re.search(r"/festivals/(\d+)/edit", page.url).group(1))
    expect(page.get_by_text("«Техсалон», «ПрофСтарт», «IQ-марафон»")).to_be_visible()

    page.get_by_role("textbox", name="Пункт программы").fill("Открытие форума")
    page.get_by_label("День").fill("2027-04-10")
    page.get_by_label("Начало (время города)").fill("10:00")
    page.get_by_label("Окончание (время города)").fill("11:30")
    page.get_by_role("button", name="Добавить в программу").click()
    expect(page.get_by_role("status")).to_contain_text("Пункт добавлен")
    expect(page.get_by_text("10 апреля 2027, 10:00–11:30 · Открытие форума")).to_be_visible()

    page.get_by_role("link", name="Приём заявок", exact=True).click()
    deadline = datetime.now(ZoneInfo("Asia/Yekaterinburg")) + timedelta(days=2)
    page.get_by_label("День").fill(f"{deadline:%Y-%m-%d}")
    page.get_by_label("Время").fill("18:00")
    page.get_by_label("Рубрика жюри").select_option(label=f"Рубрика жюри «РОСТ» {tag}")
    page.get_by_role("button", name="Открыть приём заявок").click()
    expect(page.get_by_role("status")).to_contain_text("Приём заявок открыт")
    expect(page.get_by_text(f"срок {deadline:%d.%m.%Y} 18:00")).to_be_visible()
    organiser.screenshot("festival-call-opened")

    enter(organiser, festival_id, titles[0], "Инженерные кейсы от предприятий города")
    applicant = visit()
    applicant.sign_in(colleague, "long-enough-2026")
    enter(applicant, festival_id, titles[1], "Робототехника для 5–7 классов")
    expect(applicant.page.get_by_role("heading", name=titles[1])).to_be_visible()
    expect(applicant.page.get_by_role("button", name="Отозвать заявку").first).to_be_visible()

    page.goto(f"/festivals/{festival_id}")
    page.get_by_role("link", name="Жюри", exact=True).click()
    for name in JURORS:
        page.get_by_label(re.compile(name)).check()
    page.get_by_role("button", name="Назначить жюри").click()
    expect(page.get_by_role("status")).to_contain_text("Жюри назначено")

    first, second, own_city = visit(), visit(), visit()
    first.sign_in("reviewer-chippkro")
    for index, title in enumerate(titles):
        score(first, title, SCORES[index])
        expect(first.page.get_by_role("status").nth(1)).to_contain_text("скрыта")
    second.sign_in("methodist-magnitogorsk")
    second.page.get_by_role("link", name=titles[0]).click()
    expect(second.page.get_by_text("Инженерные кейсы от предприятий города")).to_be_visible()
    expect(second.page.get_by_text("Техсалон", exact=True)).to_be_visible()
    expect(second.page.get_by_role("table")).to_have_count(0)  # the first juror's scores stay hidden
    expect(second.page.get_by_text("Оценки другого члена жюри скрыты")).to_be_visible()
    second.screenshot("festival-juror-blind")
    for index, title in enumerate(titles):
        score(second, title, SCORES[index])
    own_city.sign_in("reviewer-kopeysk")
    expect(own_city.page.get_by_text(f"жюри фестиваля «{festival_title}»")).to_have_count(0)
    first.page.reload()
    expect(first.page.get_by_role("table", name="Баллы бок о бок")).to_be_visible()

    def ranked():
        page.goto(f"/festivals/{festival_id}/ranking")
        return page.get_by_text("получены (2)").count() == 2
    assert eventually(ranked, timeout=30, interval=1), "оценки жюри не дошли до рейтинга"
    expect(page.get_by_role("row", name=re.compile(re.escape(titles[0])))).to_contain_text("80")
    organiser.screenshot("festival-ranking")
    page.get_by_label(f"Результат: {titles[0]}").select_option(label="1-е место")
    page.get_by_label(f"Результат: {titles[1]}").select_option(label="Лауреат")
    page.get_by_role("button", name="Объявить итоги").click()
    expect(page.get_by_role("status")).to_contain_text("Итоги объявлены")

    def notified():
        applicant.page.goto("/notifications")
        return applicant.page.locator(f'a[href="/festivals/{festival_id}"]').count() > 0
    assert eventually(notified, timeout=30, interval=1), "заявитель не получил уведомление об итогах"

    page.goto("/festival-entries")
    card = page.locator(".card", has=page.get_by_role("heading", name=titles[0]))
    expect(card).to_contain_text("1-е место")
    href = card.get_by_role("link", name="Диплом (PDF)").get_attribute("href")
    diploma = page.request.get(href)
    assert diploma.ok and diploma.headers["content-type"] == "application/pdf"
    [url] = scanned_qr_codes(diploma.body())
    page.goto(url)
    expect(page.get_by_text("Диплом подлинный")).to_be_visible()
    expect(page.get_by_text(titles[0]).first).to_be_visible()

    page.goto(f"/festivals/{festival_id}")
    expect(page.get_by_role("link", name="Скачать все дипломы (ZIP)")).to_be_visible()
    page.get_by_role("button", name="Собрать сборник победителей").click()
    page.wait_for_url(re.compile(r"/collections/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Сборник победителей")
