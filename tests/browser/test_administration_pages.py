"""The administrator's pages as people use them: a new Снежинск methodist's account, her first sign-in
with the one-time code, her own city's entries only, and the account disabled under an open session."""
import re
import uuid

from playwright.sync_api import expect

from application.running import eventually

PASSWORD = "Инженеры-будущего-2026"


def test_an_admin_creates_a_methodist_who_signs_in_with_the_code_works_for_her_city_and_is_disabled(network, visit):
    magnitogorsk_entry = network.api("GET", "/api/v1/search", params={"municipality": "magnitogorsk"}).json()["items"][0]
    username = f"methodist-{uuid.uuid4().hex[:6]}"

    admin_tab = visit()
    admin = admin_tab.page
    admin_tab.sign_in("admin")
    admin.get_by_role("link", name="Администрирование").click()
    admin.get_by_role("link", name="Новая учётная запись").click()
    admin.get_by_label("ФИО").fill("Вера Николаевна Шмидт")
    admin.get_by_label("Должность").fill("методист МКУ «Управление образования»")
    admin.get_by_label("Имя для входа").fill(username)
    admin.get_by_label("Роль").select_option(label="Методист муниципалитета")
    admin.get_by_role("button", name="Создать учётную запись").click()
    expect(admin.locator("#municipality-error")).to_contain_text("Обязательно для методиста")
    admin.get_by_label(re.compile("^Муниципалитет")).select_option(label="Снежинск")
    organization = admin.locator("optgroup[label='Снежинск'] option").first.get_attribute("value")
    admin.get_by_label("Организация").select_option(organization)
    admin.get_by_label(re.compile("Электронная почта")).fill("shmidt@example.org")
    admin.get_by_role("button", name="Создать учётную запись").click()
    expect(admin.get_by_role("heading", name="Учётная запись создана")).to_be_visible()
    code = admin.locator("#handover-code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}", code)
    admin_tab.screenshot("admin-handover-code")

    person_tab = visit(mobile=True)
    person = person_tab.page
    person.goto("/login")
    person.get_by_role("link", name="Вход по одноразовому коду").click()
    person.get_by_label("Имя пользователя").fill(username)
    person.get_by_label("Одноразовый код").fill(code.lower())
    person.get_by_role("button", name="Продолжить").click()
    expect(person.get_by_text("Код верный, Вера Николаевна Шмидт")).to_be_visible()
    person.locator("#new_password").fill(PASSWORD)
    person.locator("#new_password_again").fill(PASSWORD + "?")
    person.get_by_role("button", name="Задать пароль и войти").click()
    expect(person.locator("#new_password_again-error")).to_contain_text("Пароли не совпадают")
    person.locator("#new_password").fill(PASSWORD)
    person.locator("#new_password_again").fill(PASSWORD)
    person.get_by_role("button", name="Задать пароль и войти").click()
    expect(person.get_by_role("heading", name="Кабинет методиста")).to_be_visible()
    expect(person.get_by_role("status")).to_contain_text("Пароль задан")

    person.get_by_role("link", name="Новая запись: лучшая практика").click()
    title = f"Инженеры будущего {uuid.uuid4().hex[:6]}"
    person.get_by_label("Название").fill(title)
    person.get_by_label("Краткое описание").fill("Инженерные классы Снежинска")
    person.get_by_role("button", name="Сохранить черновик").click()
    expect(person.get_by_role("status")).to_contain_text("Черновик сохранён")
    person.goto("/cabinet")  # on a phone the menu is folded
    person.locator("tr[data-entry]").filter(has_text=title).get_by_role("button", name="На рассмотрение").click()
    expect(person.get_by_role("status")).to_contain_text("отправлена на рассмотрение")
    def cities_of_entry():
        listed = network.api("GET", "/api/v1/practices", user="reviewer-chippkro",
                             params={"status": "submitted", "per_page": 100}).json()["items"]
        return [entry["municipality"] for entry in listed if entry["title"] == title]
    assert eventually(lambda: cities_of_entry() == ["snezhinsk"])
    person.goto(f"/entries/{magnitogorsk_entry['id']}/edit")
    person.get_by_role("button", name="Сохранить черновик").click()
    expect(person.get_by_role("heading", name="Нет доступа")).to_be_visible()
    expect(person.get_by_text("Можно изменять только записи своего муниципалитета")).to_be_visible()
    token = network.api("POST", "/api/v1/auth/token", json={"username": username, "password": PASSWORD}).json()
    other_city = network.api("PATCH", f"/api/v1/practices/{magnitogorsk_entry['id']}", json={"title": "Чужая"},
                             headers={"Authorization": "Bearer " + token["access_token"]})
    assert other_city.status_code == 403 and "своего муниципалитета" in other_city.json()["error"]["message"]

    admin.get_by_role("link", name="К списку учётных записей").click()
    admin.get_by_label("Муниципалитет").select_option(label="Снежинск")
    admin.get_by_role("button", name="Показать").click()
    admin.get_by_role("button", name="Отключить: Вера Николаевна Шмидт").click()
    expect(admin.get_by_role("status")).to_contain_text("Учётная запись отключена")
    expect(admin.locator(f"tr[data-account='{username}']")).to_contain_text("Отключена")
    assert eventually(lambda: person.goto("/cabinet") and "/login" in person.url, timeout=5)
    person.get_by_label("Имя пользователя").fill(username)
    person.get_by_label("Пароль").fill(PASSWORD)
    person.get_by_role("button", name="Войти").click()
    expect(person.get_by_role("alert")).to_contain_text("Учётная запись отключена")
