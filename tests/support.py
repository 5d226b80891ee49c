"""Steps of the API scenarios several test modules share (the running network itself: application/running.py)."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def session_a_week_ahead(network, entry_id, capacity=12, methodist="methodist-kyshtym"):
    """A new two-hour session of the trial ``entry_id`` a week from now; its id."""
    starts = datetime.now(ZoneInfo("Asia/Yekaterinburg")).replace(microsecond=0) + timedelta(days=7)
    response = network.api("POST", f"/api/v1/practices/{entry_id}/sessions", methodist, json={
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "capacity": capacity, "place": "Кабинет 12"})
    assert response.status_code == 201, response.text
    return response.json()["id"]
