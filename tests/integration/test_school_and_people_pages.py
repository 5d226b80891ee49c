"""A school's trial page over plain HTTP: its own booking, the waitlist and cancelling after a question;
and people shown by name on every page, never by login."""
import re
from html.parser import HTMLParser

from application.running import session_a_week_ahead
from tests.integration.test_web_pages import csrf_of, signed_in

LOGINS = ("methodist-kyshtym", "school-kyshtym", "school-magnitogorsk", "reviewer-chippkro")
KYSHTYM_METHODIST = "Татьяна Николаевна Горина"
KYSHTYM_SCHOOL = "Наталья Владимировна Крылова"


class TextOf(HTMLParser):
    """The page's text as a reader sees it (no tags, attributes or form values)."""

    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def text_of(response):
    parser = TextOf()
    parser.feed(response.text)
    return " ".join(" ".join(parser.parts).split())


def no_login_in(response):
    shown = text_of(response)
    return [login for login in LOGINS if login in shown]


def kyshtym_trial(network):
    found = network.api("GET", "/api/v1/practices", "methodist-kyshtym",
                        params={"kind": "career_trial", "status": "approved"}).json()["items"]
    return next(item for item in found if item["municipality"] == "kyshtym")


def book_on_page(browser, network, entry_id, session_id, pupils=2):
    page = browser.get(network.url(f"/practices/{entry_id}"), timeout=30)
    grade = re.search(rf'id="grade-{session_id}" name="grade"[^>]*>\s*<option value="(\d+)"', page.text).group(1)
    form = {"csrf_token": csrf_of(page), "session_id": session_id, "pupils": pupils, "grade": grade}
    if 'name="waitlist"' in session_card(page, session_id):
        form["waitlist"] = "true"
    return browser.post(network.url(f"/practices/{entry_id}/book"), data=form, timeout=30)


def session_card(page, session_id):
    start = page.text.index(f'data-session="{session_id}"')
    return page.text[start:page.text.index("</li>", start)]


def test_a_school_sees_its_booking_joins_a_waitlist_and_is_promoted_after_a_confirmed_cancel(network):
    entry = kyshtym_trial(network)
    session_id = session_a_week_ahead(network, entry["id"], capacity=2)
    first, second = signed_in(network, "school-kyshtym"), signed_in(network, "school-magnitogorsk")

    booked = book_on_page(first, network, entry["id"], session_id)
    assert booked.status_code == 200 and booked.url.endswith("#main")
    assert text_of(booked).index("Места забронированы") < text_of(booked).index("Занятия и свободные места")
    assert "У вас уже есть бронь" in text_of(booked)
    booking_link = re.search(r'href="/cabinet#booking-(\d+)"', session_card(booked, session_id))
    assert booking_link, "the trial page links to the school's booking"
    booking_id = booking_link.group(1)

    full = second.get(network.url(f"/practices/{entry['id']}"), timeout=30)
    assert "Встать в лист ожидания" in session_card(full, session_id)
    waiting = book_on_page(second, network, entry["id"], session_id)
    assert "Вы в листе ожидания" in text_of(waiting) and "Покинуть лист ожидания" in text_of(waiting)

    # Cancelling asks first: the GET shows the booking and a button, and changes nothing.
    question = first.get(network.url(f"/bookings/{booking_id}/cancel"), timeout=30)
    assert question.status_code == 200 and "Отменить бронь?" in text_of(question)
    assert KYSHTYM_SCHOOL in text_of(question) and "Кабинет 12" in text_of(question)
    assert "У вас уже есть бронь" in text_of(first.get(network.url(f"/practices/{entry['id']}"), timeout=30))
    done = first.post(network.url(f"/bookings/{booking_id}/cancel"), data={"csrf_token": csrf_of(question)},
                      timeout=30)
    assert done.status_code == 200 and "Бронь отменена" in text_of(done)

    promoted = second.get(network.url(f"/practices/{entry['id']}"), timeout=30)
    assert "У вас уже есть бронь" in session_card(promoted, session_id)
    assert "лист ожидания" not in session_card(promoted, session_id).lower()


def test_pages_name_people_never_their_logins(network):
    entry = kyshtym_trial(network)
    session_id = session_a_week_ahead(network, entry["id"], capacity=2)
    school = signed_in(network, "school-kyshtym")
    book_on_page(school, network, entry["id"], session_id, pupils=1)
    methodist = signed_in(network, "methodist-kyshtym")

    practice = methodist.get(network.url(f"/practices/{entry['id']}"), timeout=30)
    assert KYSHTYM_METHODIST in text_of(practice) and "Елена Аркадьевна Воронцова" in text_of(practice)
    cabinet = methodist.get(network.url("/cabinet"), timeout=30)
    assert KYSHTYM_SCHOOL in text_of(cabinet)  # the city's bookings name the school's person
    school_cabinet = school.get(network.url("/cabinet"), timeout=30)
    assert KYSHTYM_SCHOOL in text_of(school_cabinet)  # in the header
    # The API keeps usernames and adds the names beside them.
    bookings = network.api("GET", "/api/v1/bookings", "methodist-kyshtym", params={"per_page": 100}).json()["items"]
    assert {b["school_name"] for b in bookings if b["school"] == "school-kyshtym"} == {
        f"{KYSHTYM_SCHOOL}, заместитель директора школы №1 г. Кыштыма"}
    history = network.api("GET", f"/api/v1/practices/{entry['id']}/history", "methodist-kyshtym").json()["items"]
    assert KYSHTYM_METHODIST in {item.get("who_name", "").split(",")[0] for item in history}
    for page in (practice, cabinet, school_cabinet, school.get(network.url(f"/practices/{entry['id']}"), timeout=30)):
        assert no_login_in(page) == [], page.url


def test_a_school_is_offered_only_its_pages_and_refused_an_authoring_form_at_once(network):
    school = signed_in(network, "school-kyshtym")
    menu = school.get(network.url("/cabinet"), timeout=30).text
    nav = menu[menu.index("<nav"):menu.index("</nav>")]
    assert "Сборник" not in nav and "Внедрения" not in nav and "Кабинет" in nav
    for path in ("/entries/new?kind=career_trial", "/entries/import", "/resources/new"):
        refused = school.get(network.url(path), timeout=30)
        assert refused.status_code == 403 and refused.headers["Content-Type"].startswith("text/html"), path
        assert "Нет доступа" in text_of(refused) and "методисты" in text_of(refused)
        assert "<form" not in refused.text.split("</header>", 1)[1], path  # no form to fill in vain
