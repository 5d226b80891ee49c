"""The web pages over plain HTTP: sign-in and its cookie, CSRF, and forms that answer bad input
with the error beside the field (never a 500)."""
import re
import uuid

import requests

from application.running import eventually

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(response):
    return CSRF.search(response.text).group(1)


def signed_in(network, username):
    browser = requests.Session()
    token = csrf_of(browser.get(network.url("/login"), timeout=30))
    response = browser.post(network.url("/login"), data={"username": username, "password": "demo",
                                                        "csrf_token": token}, timeout=30)
    assert response.url.endswith("/cabinet")
    return browser


def test_sign_in_sets_a_signed_httponly_samesite_cookie_and_sign_out_ends_the_session(network):
    browser = requests.Session()
    token = csrf_of(browser.get(network.url("/login"), timeout=30))
    response = browser.post(network.url("/login"), data={"username": "methodist-kyshtym", "password": "demo",
                                                        "csrf_token": token}, allow_redirects=False, timeout=30)
    assert response.status_code == 303 and response.headers["Location"] == "/cabinet"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    cabinet = browser.get(network.url("/cabinet"), timeout=30)
    assert "Кабинет методиста" in cabinet.text and "Татьяна Николаевна Горина" in cabinet.text

    browser.post(network.url("/logout"), data={"csrf_token": csrf_of(cabinet)}, timeout=30)
    after = browser.get(network.url("/cabinet"), allow_redirects=False, timeout=30)
    assert after.status_code == 303 and after.headers["Location"].startswith("/login")


def test_a_cookie_kept_from_before_signing_out_no_longer_signs_in(network):
    browser = signed_in(network, "school-magnitogorsk")
    kept = browser.cookies.get("pn_session")
    cabinet = browser.get(network.url("/cabinet"), timeout=30)
    browser.post(network.url("/logout"), data={"csrf_token": csrf_of(cabinet)}, timeout=30)
    replayed = requests.get(network.url("/cabinet"), cookies={"pn_session": kept}, allow_redirects=False, timeout=30)
    assert replayed.status_code == 303 and replayed.headers["Location"].startswith("/login")


def test_a_wrong_password_keeps_the_username_and_says_so(network):
    browser = requests.Session()
    token = csrf_of(browser.get(network.url("/login"), timeout=30))
    response = browser.post(network.url("/login"), data={"username": "school-kyshtym", "password": "неверный",
                                                        "csrf_token": token}, timeout=30)
    assert response.status_code == 401
    assert 'value="school-kyshtym"' in response.text and 'role="alert"' in response.text


def test_a_form_without_its_csrf_token_is_refused_with_403(network):
    browser = signed_in(network, "school-kyshtym")
    for path, data in (("/logout", {}), ("/bookings/1/cancel", {}),
                       ("/login", {"username": "admin", "password": "demo"})):
        response = browser.post(network.url(path), data=data, timeout=30)
        assert response.status_code == 403, path
        assert "Нет доступа" in response.text
    assert "Кабинет школы" in browser.get(network.url("/cabinet"), timeout=30).text  # still signed in


def test_a_tampered_session_cookie_counts_as_a_guest(network):
    browser = signed_in(network, "reviewer-chippkro")
    value = browser.cookies["pn_session"]
    tampered = value[:-2] + ("00" if not value.endswith("00") else "11")
    response = requests.get(network.url("/cabinet"), cookies={"pn_session": tampered}, allow_redirects=False,
                            timeout=30)
    assert response.status_code == 303 and response.headers["Location"].startswith("/login")


def test_methodist_form_with_a_bad_field_answers_422_beside_the_field_and_keeps_the_input(network):
    browser = signed_in(network, "methodist-magnitogorsk")
    form = browser.get(network.url("/entries/new?kind=best_practice"), timeout=30)
    summary = f"Описание {uuid.uuid4().hex[:6]}"
    response = browser.post(network.url("/entries/new"), data={
        "csrf_token": csrf_of(form), "kind": "best_practice", "title": "ab", "summary": summary}, timeout=30)
    assert response.status_code == 422
    assert re.search(r'id="title"[^>]*aria-invalid="true"', response.text)
    assert 'id="title-error"' in response.text and summary in response.text


def test_search_with_a_bad_filter_answers_422_with_the_reason_not_500(network):
    response = requests.get(network.url("/search"), params={"q": "лазер", "grade": "пятый"}, timeout=30)
    assert response.status_code == 422
    assert 'id="grade-error"' in response.text and "Ожидалось целое число" in response.text


def test_a_missing_entry_answers_a_russian_404_page(network):
    response = requests.get(network.url("/practices/999999"), timeout=30)
    assert response.status_code == 404 and "Не найдено" in response.text


def test_reviewer_sees_side_by_side_what_changed_since_the_published_version(network):
    created = network.api("POST", "/api/v1/practices", user="methodist-kopeysk", json={
        "kind": "best_practice", "title": f"IQ-марафон {uuid.uuid4().hex[:6]}", "summary": "Было так"}).json()
    for user, action in (("methodist-kopeysk", "submit"), ("reviewer-chippkro", "approve")):
        network.api("POST", f"/api/v1/practices/{created['id']}/{action}", user=user, json={})
    network.api("PATCH", f"/api/v1/practices/{created['id']}", user="methodist-kopeysk", json={"summary": "Стало так"})
    network.api("POST", f"/api/v1/practices/{created['id']}/submit", user="methodist-kopeysk", json={})

    reviewer = signed_in(network, "reviewer-chippkro")
    review = eventually(lambda: (page := reviewer.get(network.url(f"/review/{created['id']}"), timeout=30))
                        .status_code == 200 and 'class="changed"' in page.text and page)
    assert review, "the published version never showed beside the new one"
    changed = re.search(r'<tr class="changed">(.*?)</tr>', review.text, re.S).group(1)
    assert "Краткое описание" in changed and "Было так" in changed and "Стало так" in changed
    assert review.text.count('class="changed"') == 1


def test_methodist_schedules_a_session_in_local_time_and_a_bad_one_is_explained(network):
    browser = signed_in(network, "methodist-kyshtym")
    trial = network.api("POST", "/api/v1/practices", user="methodist-kyshtym", json={
        "kind": "career_trial", "title": f"Профпроба «Эколог-2» {uuid.uuid4().hex[:6]}", "profession": "Эколог",
        "grades": [7], "duration_hours": 2, "format": "in_person", "profminimum_level": "basic"}).json()
    token = csrf_of(browser.get(network.url(f"/practices/{trial['id']}"), timeout=30))
    bad = browser.post(network.url(f"/practices/{trial['id']}/sessions"), data={
        "csrf_token": token, "day": "2027-02-10", "starts_at": "14:00", "ends_at": "12:00", "capacity": "15"},
        timeout=30)
    assert bad.status_code == 422 and 'id="ends_at-error"' in bad.text and 'value="2027-02-10"' in bad.text
    good = browser.post(network.url(f"/practices/{trial['id']}/sessions"), data={
        "csrf_token": token, "day": "2027-02-10", "starts_at": "10:00", "ends_at": "12:00", "capacity": "15"},
        timeout=30)
    assert "Занятие назначено" in good.text and "10 февраля 2027, 10:00" in good.text
    sessions = network.api("GET", f"/api/v1/practices/{trial['id']}/sessions", user="methodist-kyshtym").json()["items"]
    assert [s["starts_at"] for s in sessions] == ["2027-02-10T05:00:00+00:00"]
