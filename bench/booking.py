"""The booking rush: many schools at once on a few sessions, until every seat is taken.

Each school is a thread with a token of its own (signed with the installation's key: accounts are not
what is measured) and books one group of 2–4 pupils, 1 200 pupils for 1 000 seats in all. It tries
the sessions in its own random order; told there are fewer seats left (409), it asks for what is
left, and moves on when a session is full. Schools skip the sessions already known to be full, as
they would on the site, which shows the seats left. The seats taken and whether any session holds
more confirmed pupils than its capacity are read from the practices service's database afterwards,
not from the answers.

Schools speak HTTP through one kept-alive connection each (``bench.load.KeptAlive``).
"""
import json
import random
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from bench.load import KeptAlive
from bench.network import session_a_week_ahead
from services.practices.models import Booking, TrialSession
from shared.auth import Identity, issue_token
from shared.config import database_url
from shared.db import session_factory
from shared.installation import settings

METHODIST, CITY = "methodist-kyshtym", "kyshtym"


def published_trial(network, number):
    created = network.api("POST", "/api/v1/practices", user=METHODIST, json={
        "kind": "career_trial", "title": f"Профпроба наплыва № {number}", "profession": "Наладчик",
        "grades": [9], "duration_hours": 2, "format": "in_person", "profminimum_level": "basic"})
    assert created.status_code == 201, created.text
    entry_id = created.json()["id"]
    for user, action in ((METHODIST, "submit"), ("reviewer-chippkro", "approve")):
        done = network.api("POST", f"/api/v1/practices/{entry_id}/{action}", user=user)
        assert done.status_code == 200, done.text
    return entry_id


def seats_left(body):
    """What a 409 says is left: ``{"error": {"fields": {"pupils": ["Свободно мест: 3"]}}}``."""
    try:
        message = json.loads(body)["error"]["fields"]["pupils"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        return 0
    return int(message.rsplit(" ", 1)[1]) if message.rsplit(" ", 1)[-1].isdigit() else 0


def school(base_url, token, sessions, full, seed):
    """Books one group on the first session that takes it; ``(bookings, failures other than "full")``."""
    rng = random.Random(seed)
    pupils, failures = rng.randint(2, 4), 0
    client = KeptAlive(base_url, token)
    try:
        for session_id in rng.sample(sessions, len(sessions)):
            while session_id not in full:
                status, body = client.call("POST", f"/api/v1/sessions/{session_id}/bookings",
                                           {"pupils": pupils, "grade": 9})
                if status == 201:
                    return 1, failures
                if status == 409 and seats_left(body):
                    pupils = seats_left(body)
                elif status == 409:
                    full.add(session_id)
                else:
                    failures += 1
                    if failures > 20:
                        raise AssertionError(f"бронь не принята: {status} {body[:300].decode(errors='replace')}")
    finally:
        client.close()
    return 0, failures


def rush(network, schools=400, sessions=50, seats=20, trials=5):
    entries = [published_trial(network, n) for n in range(trials)]
    session_ids = [session_a_week_ahead(network, entries[n % trials], capacity=seats, methodist=METHODIST)
                   for n in range(sessions)]
    secret = settings(network.config)["JWT_SECRET"]
    tokens = [issue_token(Identity(f"bench-school-{n:03d}", "school", CITY), secret, 3600) for n in range(schools)]
    started = time.monotonic()
    with ThreadPoolExecutor(schools) as pool:
        full = set()
        results = list(pool.map(lambda n: school(network.base_url, tokens[n], session_ids, full, n), range(schools)))
    elapsed = time.monotonic() - started
    taken, overbooked = seats_held(network, session_ids)
    return {"rush_seats": taken, "rush_capacity": sessions * seats, "rush_overbooked": overbooked,
            "rush_bookings_per_s": sum(confirmed for confirmed, _ in results) / elapsed,
            "rush_failures": sum(failed for _, failed in results)}


def seats_held(network, session_ids):
    """Seats taken on the sessions, and how many confirmed pupils exceed a session's capacity (or its
    counter): both from the practices database."""
    sessions = session_factory(database_url(network.config, "practices"))
    with sessions() as session:
        trials = session.scalars(select(TrialSession).where(TrialSession.id.in_(session_ids))).all()
        booked = dict(session.execute(
            select(Booking.session_id, func.sum(Booking.pupils))
            .where(Booking.session_id.in_(session_ids), Booking.status == "confirmed")
            .group_by(Booking.session_id)).all())
    sessions.kw["bind"].dispose()
    taken = sum(trial.seats_taken for trial in trials)
    overbooked = sum(max(0, booked.get(trial.id, 0) - trial.capacity, trial.seats_taken - trial.capacity)
                     for trial in trials)
    return taken, overbooked
