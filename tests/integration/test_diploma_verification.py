"""A winner's diploma carries a QR code; scanning it opens a page of the platform naming the winner."""
import io
from datetime import UTC, datetime, timedelta

import zxingcpp
from pypdf import PdfReader

FORUM = {"title": "Конкурс «Проверка дипломов»", "kind": "contest", "starts_on": "2027-04-01",
         "ends_on": "2027-04-02", "nominations": [{"title": "Наставничество"}]}


def award_first_place(network):
    forum = network.api("POST", "/api/v1/festivals", user="methodist-kopeysk", json=FORUM).json()
    opened = network.api("POST", f"/api/v1/festivals/{forum['id']}/call", user="methodist-kopeysk",
                         json={"deadline": (datetime.now(UTC) + timedelta(days=30)).isoformat()})
    assert opened.status_code == 200, opened.text
    practice = network.api("GET", "/api/v1/search",
                           params={"municipality": "kopeysk", "kind": "best_practice"}).json()["items"][0]
    entered = network.api("POST", f"/api/v1/festivals/{forum['id']}/entries", user="methodist-kopeysk",
                          json={"practice_id": practice["id"], "nomination": "Наставничество"})
    assert entered.status_code == 201, entered.text
    results = network.api("POST", f"/api/v1/festivals/{forum['id']}/results", user="methodist-kopeysk", json={
        "results": [{"nomination": "Наставничество", "places": [{"practice_id": practice["id"], "place": 1}]}]})
    assert results.status_code == 200, results.text
    return forum, results.json()["entries"][0], practice


def scanned_qr_codes(pdf):
    """Decode every image of the PDF as a phone camera would read the printed page."""
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for image in page.images:
            found += [code.text for code in zxingcpp.read_barcodes(image.image.convert("L"))]
    return found


def test_the_diploma_qr_code_opens_a_verification_page_naming_the_winner(network):
    forum, entry, practice = award_first_place(network)
    diploma = network.api("GET", f"/api/v1/festivals/{forum['id']}/diplomas/{entry['id']}.pdf")
    assert diploma.status_code == 200, diploma.text
    [url] = scanned_qr_codes(diploma.content)
    assert url.startswith(network.url("/diplomas/"))

    page = network.api("GET", url.removeprefix(network.url("")))
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    text = page.text.replace("&#34;", '"')
    assert "Диплом подлинный" in text and practice["title"] in text and "Копейск" in text
    assert "Наставничество" in text and "Проверка дипломов" in text
    checked = network.api("GET", "/api/v1/diplomas/" + url.rsplit("/", 1)[1]).json()
    assert checked["practice_title"] == practice["title"] and checked["place"] == 1


def test_a_forged_diploma_code_is_404(network):
    forum, entry, _ = award_first_place(network)
    forged = f"{forum['id']}-{entry['id']}-00000000000000000000"
    assert network.api("GET", f"/diplomas/{forged}").status_code == 404
    assert network.api("GET", f"/api/v1/diplomas/{forged}").status_code == 404
    assert network.api("GET", "/api/v1/diplomas/nonsense").status_code == 404
