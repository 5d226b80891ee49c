"""The festival season through the gateway, on both databases: Копейск opens the call of a festival,
enters two practices, two jurors of other cities score them blind on the expert workbench (the Копейск
juror never gets one), a late entry is refused in Russian, the ranking, a tie refused without a reason,
the results, the applicant notified, and the archive of certificates opens."""
import io
import time
import uuid
import zipfile
from datetime import UTC, datetime, timedelta

from pypdf import PdfReader

from application.running import eventually
from tests.integration.test_registry_api import publish

JURORS = ["reviewer-chippkro", "methodist-magnitogorsk", "methodist-kopeysk"]


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def test_a_festival_from_the_call_to_the_certificates(network):
    rubric = f"fest-{uuid.uuid4().hex[:8]}"
    ok(network.api("POST", "/api/v1/rubrics", user="reviewer-chippkro", json={
        "code": rubric, "title": "Рубрика жюри фестиваля",
        "criteria": [{"code": "idea", "title": "Идея", "max": 5}, {"code": "result", "title": "Результат", "max": 5}]}),
        201)
    festival = ok(network.api("POST", "/api/v1/festivals", user="methodist-kopeysk", json={
        "title": f"Форум «РОСТ» {uuid.uuid4().hex[:4]}", "kind": "forum", "starts_on": "2027-04-10",
        "ends_on": "2027-04-11", "place": "Копейск",
        "nominations": [{"title": "Техсалон"}, {"title": "ПрофСтарт"}, {"title": "IQ-марафон"}]}), 201)
    fid = festival["id"]
    deadline = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    opened = ok(network.api("POST", f"/api/v1/festivals/{fid}/call", user="methodist-kopeysk",
                            json={"deadline": deadline, "rubric": rubric}))
    assert opened["call"]["status"] == "open" and opened["call"]["deadline"].endswith("+05:00")
    practices = [{"id": publish(network, {"kind": "best_practice", "title": f"Практика Копейска {n} {fid}"},
                                "methodist-kopeysk")} for n in range(3)]
    for practice in practices[:2]:
        def entered(practice_id=practice["id"]):  # once the festivals service has learnt it is published
            response = network.api("POST", f"/api/v1/festivals/{fid}/entries", user="methodist-kopeysk", json={
                "practice_id": practice_id, "nomination": "Техсалон", "application": "Коротко о практике",
                "resources": [{"url": "https://video.example/rost", "title": "Видео"}]})
            return response.status_code == 201 or (response.status_code == 422 and None)
        assert eventually(entered, timeout=30)
    jury = ok(network.api("POST", f"/api/v1/festivals/{fid}/jury", user="methodist-kopeysk",
                          json={"jurors": JURORS}))
    assert len(jury["jury"]) == 3 and jury["entries_count"] == 2

    # the deadline moves to a moment about to pass: a late entry is refused in Russian
    soon = (datetime.now(UTC) + timedelta(seconds=2)).isoformat()
    ok(network.api("POST", f"/api/v1/festivals/{fid}/call", user="methodist-kopeysk", json={"deadline": soon}))
    time.sleep(3)
    late = network.api("POST", f"/api/v1/festivals/{fid}/entries", user="methodist-kopeysk",
                       json={"practice_id": practices[2]["id"], "nomination": "Техсалон"})
    assert late.status_code == 409 and "Приём заявок закончился" in late.json()["error"]["message"]

    def festival_rounds(user):
        items = ok(network.api("GET", "/api/v1/expertise/assignments", user=user, params={"per_page": 100}))["items"]
        return [item for item in items if item["festival_id"] == fid]

    assert festival_rounds("methodist-kopeysk") == []  # never a juror of one's own city
    first, second = festival_rounds("reviewer-chippkro"), festival_rounds("methodist-magnitogorsk")
    assert len(first) == len(second) == 2
    round_id = first[0]["id"]
    hidden = network.api("GET", f"/api/v1/expertise/rounds/{round_id}/reviews", user="reviewer-chippkro")
    assert hidden.status_code == 403
    for user in ("reviewer-chippkro", "methodist-magnitogorsk"):
        for item in festival_rounds(user):
            ok(network.api("POST", f"/api/v1/expertise/rounds/{item['id']}/review", user=user,
                           json={"scores": {"idea": 4, "result": 4}, "comment": "Сильная практика"}))
    assert len(ok(network.api("GET", f"/api/v1/expertise/rounds/{round_id}/reviews", user="reviewer-chippkro"))
               ["items"]) == 2

    def ranked():
        ranking = ok(network.api("GET", f"/api/v1/festivals/{fid}/ranking", user="methodist-kopeysk"))
        return ranking if ranking["complete"] else None

    ranking = eventually(ranked, timeout=30)
    assert ranking, "оценки жюри не дошли до рейтинга"
    entries = ranking["nominations"][0]["entries"]
    assert [(e["total"], e["spread"], e["tied"]) for e in entries] == [(80.0, 0.0, True)] * 2
    assert network.api("GET", f"/api/v1/festivals/{fid}/ranking", user="methodist-kyshtym").status_code == 403

    places = {"nomination": "Техсалон", "places": [{"practice_id": entries[0]["practice_id"], "place": 1}],
              "laureates": [entries[1]["practice_id"]]}
    refused = network.api("POST", f"/api/v1/festivals/{fid}/results", user="methodist-kopeysk",
                          json={"results": [places]})
    assert refused.status_code == 422 and "tie_reason" in refused.json()["error"]["fields"]
    ok(network.api("POST", f"/api/v1/festivals/{fid}/results", user="methodist-kopeysk",
                   json={"results": [{**places, "tie_reason": "Практика уже внедрена в трёх школах"}]}))

    def notified():
        items = ok(network.api("GET", "/api/v1/notifications", user="methodist-kopeysk",
                               params={"per_page": 50}))["items"]
        return [item for item in items if item["kind"] == "festival_results_announced"
                and item["link"] == f"/festivals/{fid}"]

    assert len(eventually(notified, timeout=30) or []) == 2

    archive = network.api("GET", f"/api/v1/festivals/{fid}/diplomas.zip", user="methodist-kopeysk")
    assert archive.status_code == 200 and archive.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as bundle:
        names = bundle.namelist()
        assert len([n for n in names if n.startswith("sertifikat-")]) == 2
        assert len([n for n in names if n.startswith("diplom-")]) == 2  # a place and a laureate
        for name in names:
            text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(bundle.read(name))).pages)
            assert ("СЕРТИФИКАТ" if name.startswith("sertifikat-") else "ДИПЛОМ") in text
    mine = ok(network.api("GET", "/api/v1/festival-entries/mine", user="methodist-kopeysk", params={"per_page": 100}))
    assert {item["status"] for item in mine["items"] if item["festival_id"] == fid} == {"submitted"}
