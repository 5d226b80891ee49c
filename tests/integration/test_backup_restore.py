"""``practice-network backup`` of a running network, restored into an empty one: everything is there."""
import os

from application.running import RunningNetwork, eventually
from tests.integration.test_registry_api import TURNER, publish, schedule, search

RESTORER = {**TURNER, "title": "Профпроба «Реставратор мебели»", "profession": "Реставратор"}


def test_a_backup_restored_into_an_empty_network_has_the_practice_the_file_and_the_booking(network, tmp_path):
    entry_id = publish(network, RESTORER)
    session = schedule(network, entry_id, capacity=8)
    booking = network.api("POST", f"/api/v1/sessions/{session['id']}/bookings", user="school-kyshtym",
                          json={"pupils": 3, "grade": 9})
    assert booking.status_code == 201, booking.text
    content = b"%PDF-1.4\n" + os.urandom(200_000) + b"\n%%EOF\n"
    resource = network.api("POST", "/api/v1/resources", user="methodist-kyshtym",
                           files={"file": ("restavraciya.pdf", content)}, data={"title": "Программа реставрации"})
    assert resource.status_code == 201, resource.text

    saved = network.cli("backup", "--to", str(tmp_path / "backup"))  # while the network keeps running
    assert "Резервная копия готова" in saved.stdout

    empty = RunningNetwork(network.backend, tmp_path / "restored")
    try:
        empty.cli("migrate")
        restored = empty.cli("restore", "--from", str(tmp_path / "backup"))
        assert "Восстановление завершено" in restored.stdout
        again = empty.cli("restore", "--from", str(tmp_path / "backup"), check=False)
        assert again.returncode != 0 and "--force" in again.stderr

        empty.start(demo=False)
        found = eventually(lambda: search(empty, q="реставратор")["items"], timeout=30)
        assert [item["id"] for item in found] == [entry_id]
        downloaded = empty.api("GET", resource.json()["file_url"])
        assert downloaded.status_code == 200 and downloaded.content == content
        bookings = empty.api("GET", "/api/v1/bookings", user="school-kyshtym", params={"per_page": 100}).json()
        assert (booking.json()["id"], "confirmed") in {(item["id"], item["status"]) for item in bookings["items"]}
        assert eventually(lambda: search(empty, q="реставратор")["items"][0]["seats_left"] == 5, timeout=10)
    finally:
        empty.close()
