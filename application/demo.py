"""Loads the demo network's content through the gateway, as its people would enter it.

Every entry is drafted by its city's methodist, submitted and approved by the ЧИППКРО reviewer, and
trials get sessions; festivals are created by their organisers: the same HTTP calls, rules and events
as real use. What is already present (same title) is left alone, so loading twice changes nothing.

The lists and the search are the gateway's read model, which learns of the content from events a moment
later: the loader returns once they show everything it added, so the first page a person (or a test)
opens is not missing it.
"""
from datetime import datetime, time, timedelta, timezone

import requests

from application.waiting import eventually
from services.catalog.demo import DEMO_PASSWORD
from services.festivals import demo as festivals_demo
from services.practices import demo as practices_demo
from shared.plugins import entry_kinds

REVIEWER = "reviewer-chippkro"
VISIBLE_WITHIN_SECONDS = 60
YEKATERINBURG = timezone(timedelta(hours=5))


class DemoLoader:
    def __init__(self, base_url):
        self.base_url = base_url
        self.tokens = {}
        self.added = {"/api/v1/practices": set(), "/api/v1/festivals": set()}

    def call(self, method, path, user, **kwargs):
        response = requests.request(method, self.base_url + path, timeout=30,
                                    headers={"Authorization": "Bearer " + self.token(user)}, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json()

    def token(self, user):
        if user not in self.tokens:
            response = requests.post(self.base_url + "/api/v1/auth/token", timeout=30,
                                     json={"username": user, "password": DEMO_PASSWORD})
            response.raise_for_status()
            self.tokens[user] = response.json()["access_token"]
        return self.tokens[user]

    def load(self):
        added = sum(self.publish(dict(entry)) for entry in practices_demo.ENTRIES)
        added += sum(self.organise(dict(festival)) for festival in festivals_demo.FESTIVALS)
        self.wait_until_listed()
        return added

    def wait_until_listed(self):
        """Until the public lists show every entry and festival this load added."""
        if not eventually(lambda: not self.not_listed(), timeout=VISIBLE_WITHIN_SECONDS):
            raise RuntimeError(f"демо-содержимое не появилось в списках шлюза за {VISIBLE_WITHIN_SECONDS} с: "
                               f"{', '.join(sorted(self.not_listed()))}")

    def not_listed(self):
        return set().union(*(titles - self.listed_titles(path) for path, titles in self.added.items() if titles))

    def listed_titles(self, path):
        titles, page = set(), 1
        while True:
            response = requests.get(self.base_url + path, params={"per_page": 100, "page": page}, timeout=30)
            response.raise_for_status()
            listed = response.json()
            titles |= {item["title"] for item in listed["items"]}
            if page * listed["per_page"] >= listed["total"]:
                return titles
            page += 1

    def organise(self, festival):
        organiser = festival.pop("organiser")
        listed = self.call("GET", "/api/v1/festivals", organiser, params={"per_page": 100})["items"]
        if festival["title"] in {item["title"] for item in listed}:
            return 0
        starts = datetime.now(YEKATERINBURG).date() + timedelta(days=festival.pop("days_ahead"))
        ends = starts + timedelta(days=festival.pop("length_days") - 1)
        self.call("POST", "/api/v1/festivals", organiser, json={
            **festival, "starts_on": starts.isoformat(), "ends_on": ends.isoformat(),
            "nominations": [{"title": title} for title in festival["nominations"]]})
        self.added["/api/v1/festivals"].add(festival["title"])
        return 1

    def publish(self, entry):
        methodist = f"methodist-{entry.pop('municipality')}"
        if self.existing_titles(methodist) & {entry["title"]}:
            return 0
        created = self.call("POST", "/api/v1/practices", methodist, json=entry)
        self.call("POST", f"/api/v1/practices/{created['id']}/submit", methodist, json={})
        self.call("POST", f"/api/v1/practices/{created['id']}/approve", REVIEWER,
                  json={"comment": "Одобрено для демонстрационной сети"})
        if entry_kinds()[entry["kind"]].has_sessions:
            self.schedule(methodist, created["id"])
        self.added["/api/v1/practices"].add(entry["title"])
        return 1

    def existing_titles(self, methodist):
        page = self.call("GET", "/api/v1/practices", methodist, params={"status": "approved", "per_page": 100})
        return {item["title"] for item in page["items"]}

    def schedule(self, methodist, entry_id):
        for days in practices_demo.SESSION_DAYS_AHEAD:
            day = datetime.now(YEKATERINBURG).date() + timedelta(days=days)
            starts = datetime.combine(day, time(10, 0), YEKATERINBURG)
            self.call("POST", f"/api/v1/practices/{entry_id}/sessions", methodist, json={
                "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=4)).isoformat(),
                "capacity": practices_demo.SESSION_CAPACITY, "place": "ЦДЮТТ, ул. Ленина"})


def load_demo_content(base_url):
    return DemoLoader(base_url).load()
