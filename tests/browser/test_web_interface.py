"""What the network's people do in the browser, checked in Chromium as they would see it."""
import re
import uuid

from playwright.sync_api import expect

from application.running import eventually

CITIES = ("Магнитогорск", "Снежинск", "Копейск", "Кыштым")


def test_guest_sees_the_four_cities_with_a_chart_and_finds_the_laser_trial(visit):
    tab = visit()
    page = tab.page
    page.goto("/")
    expect(page).to_have_title("Обзор сети — Сеть практик")
    for city in CITIES:
        expect(page.get_by_role("rowheader", name=city)).to_be_visible()
    chart = page.get_by_role("img", name="Опубликовано по городам и видам записей")
    expect(chart).to_be_visible()
    expect(chart.locator("text").filter(has_text="Кыштым")).to_have_count(1)
    expect(page.get_by_role("img", name="Свободные места на профпробах по неделям")).to_be_visible()
    tab.screenshot("home")

    page.get_by_role("link", name="Поиск", exact=True).click()
    expect(page).to_have_title("Поиск профпроб — Сеть практик")
    page.get_by_label("Что ищем").fill("лазер")
    page.get_by_label("Что ищем").press("Enter")
    result = page.locator(".result").filter(has_text="Оператор лазерного станка")
    expect(result).to_be_visible()
    expect(result).to_contain_text("Кыштым")
    expect(result).to_contain_text("свободных мест")
    tab.screenshot("search")

    page.get_by_label("Что ищем").fill("несуществующаяпрофессия")
    page.get_by_role("button", name="Найти").click()
    expect(page.get_by_text("Ничего не нашлось")).to_be_visible()
    expect(page.get_by_role("link", name="все профпробы")).to_be_visible()


def test_school_books_three_places_and_sees_seats_left_drop_by_three(visit):
    tab = visit()
    page = tab.page
    tab.sign_in("school-kyshtym")
    expect(page.get_by_role("heading", name="Кабинет школы")).to_be_visible()
    page.goto("/search?q=лазер")
    page.get_by_role("link", name=re.compile("Оператор лазерного станка")).click()
    session = page.locator(".session").first
    before = int(session.locator(".seats-left").inner_text().split(":")[1])
    session.get_by_label("Сколько учеников").fill("3")
    session.get_by_label("Класс").select_option("9")
    session.get_by_label("Контакт для связи").fill("8 (351) 000-00-00")
    tab.screenshot("trial-booking")
    session.get_by_role("button", name="Забронировать").click()
    expect(page.get_by_role("status")).to_contain_text("Места забронированы")
    expect(page.locator(".session").first.locator(".seats-left")).to_have_text(f"свободно: {before - 3}")

    page.get_by_role("link", name="Кабинет").click()
    booking = page.locator("tr[data-booking]").filter(has_text="Оператор лазерного станка").first
    expect(booking).to_contain_text("Подтверждена")
    tab.screenshot("school-cabinet")
    booking.get_by_role("link", name=re.compile("Отменить")).click()  # cancelling asks first
    expect(page.get_by_role("heading", name="Отменить бронь?")).to_be_visible()
    page.get_by_role("button", name=re.compile("Да, отменить")).click()
    expect(page.get_by_role("status")).to_contain_text("Бронь отменена")


def test_methodist_form_keeps_what_was_typed_shows_errors_beside_fields_then_submits(visit):
    tab = visit()
    page = tab.page
    tab.sign_in("methodist-kyshtym")
    page.get_by_role("link", name="Новая запись: профессиональная проба").click()
    title = f"Профпроба «Токарь» {uuid.uuid4().hex[:6]}"
    page.get_by_label("Название").fill(title)
    page.get_by_label("Профессия").fill("Токарь")
    page.get_by_label("Продолжительность, ч").fill("0")
    page.get_by_label("Формат").select_option("in_person")
    page.get_by_role("button", name="Сохранить черновик").click()

    expect(page.locator("#duration_hours-error")).to_be_visible()
    expect(page.locator("#grades-error")).to_contain_text("Укажите хотя бы один класс")
    expect(page.get_by_label("Название")).to_have_value(title)
    expect(page.get_by_label("Профессия")).to_have_value("Токарь")
    tab.screenshot("methodist-form-errors")

    page.get_by_label("Продолжительность, ч").fill("3")
    page.get_by_label("9", exact=True).check()
    page.get_by_label("10", exact=True).check()
    page.get_by_label("Уровень профминимума").select_option("advanced")
    page.get_by_role("button", name="Сохранить черновик").click()
    expect(page.get_by_role("status")).to_contain_text("Черновик сохранён")
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_text("Состояние: Черновик")).to_be_visible()

    page.get_by_role("link", name="Кабинет").click()
    row = page.locator("tr[data-entry]").filter(has_text=title)
    row.get_by_role("button", name="На рассмотрение").click()
    expect(page.get_by_role("status")).to_contain_text("отправлена на рассмотрение")
    expect(page.locator("tr[data-entry]").filter(has_text=title)).to_contain_text("На рассмотрении")
    tab.screenshot("methodist-cabinet")


def test_reviewer_approves_with_a_comment_and_the_entry_appears_in_public_search(network, visit):
    """The entry is public at once; the reviewer's comment is for the author's city, not for guests."""
    title = f"Практика наставничества {uuid.uuid4().hex[:6]}"
    created = network.api("POST", "/api/v1/practices", user="methodist-snezhinsk", json={
        "kind": "best_practice", "title": title, "summary": "Наставники из атомной отрасли в школах"}).json()
    network.api("POST", f"/api/v1/practices/{created['id']}/submit", user="methodist-snezhinsk", json={})

    tab = visit()
    page = tab.page
    tab.sign_in("reviewer-chippkro")
    expect(page.get_by_role("heading", name="Очередь на рассмотрение (старые первыми)")).to_be_visible()
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", name=f"Рассмотрение: {title}")).to_be_visible()
    expect(page.get_by_text("Запись, как её увидят читатели (опубликованной версии ещё нет)")).to_be_visible()

    page.get_by_role("button", name="Вернуть на доработку").click()
    expect(page.locator("#comment-error")).to_be_visible()

    page.get_by_label(re.compile("Комментарий")).fill("Хорошая практика, публикуем")
    tab.screenshot("reviewer-decision")
    page.get_by_role("button", name="Одобрить и опубликовать").click()
    expect(page.get_by_role("status")).to_contain_text("одобрена и опубликована")
    expect(page.get_by_role("link", name=title)).to_have_count(0)

    guest = visit(mobile=True).page
    assert eventually(lambda: guest.goto(f"/search?q={title.split()[-1]}") and
                      guest.locator(".result").filter(has_text=title).count() == 1, timeout=10)
    guest.locator(".result").get_by_role("link", name=title).click()
    expect(guest.get_by_role("heading", name=title)).to_be_visible()
    expect(guest.get_by_text("Хорошая практика, публикуем")).to_have_count(0)


def test_festival_page_offers_the_calendar_and_pages_work_on_a_phone(visit):
    tab = visit(mobile=True)
    page = tab.page
    page.goto("/search?type=festival")
    page.locator(".result a").first.click()
    expect(page.get_by_role("heading", name="Номинации")).to_be_visible()
    link = page.get_by_role("link", name="Добавить в календарь")
    assert re.fullmatch(r"/api/v1/festivals/\d+\.ics", link.get_attribute("href"))
    assert page.request.get(link.get_attribute("href")).text().startswith("BEGIN:VCALENDAR")
    tab.screenshot("festival-phone")
    page.goto("/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    tab.screenshot("home-phone")


def test_methodist_checks_an_excel_list_and_builds_a_collection_to_download(network, visit, tmp_path):
    template = tmp_path / "spisok.xlsx"
    template.write_bytes(network.api("GET", "/api/v1/practices/import/template.xlsx").content)
    tab = visit()
    page = tab.page
    tab.sign_in("methodist-kopeysk")
    page.get_by_role("link", name="Импорт из Excel").click()
    page.get_by_label("Файл .xlsx").set_input_files(str(template))
    page.get_by_role("button", name="Проверить", exact=True).click()
    expect(page.locator("#report")).to_contain_text("с ошибками 0")
    tab.screenshot("methodist-import-check")

    page.get_by_role("link", name="Сборник").click()
    page.get_by_label("Название сборника").fill("Сборник лучших практик Копейска")
    expect(page.get_by_label("Город")).to_have_value("kopeysk")
    page.get_by_role("button", name="Собрать сборник").click()
    expect(page.get_by_role("link", name="Скачать PDF")).to_be_visible(timeout=30000)
    tab.screenshot("collection")
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать DOCX").click()
    assert download.value.suggested_filename.endswith(".docx")
