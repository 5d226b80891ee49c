"""Expert rounds in the practices service: who is assigned, and the weighted totals they are judged by."""
from collections import Counter

import pytest
from nameko.testing.services import worker_factory

from services.practices.expertise import weighted_total
from services.practices.service import PracticesService
from shared.auth import Identity

KYSHTYM = Identity("methodist-kyshtym", "methodist", "kyshtym")
COORDINATOR = Identity("reviewer-chippkro", "reviewer")
POOL = [{"username": "reviewer-chippkro", "municipality": None},
        {"username": "reviewer-kyshtym", "municipality": "kyshtym"},
        {"username": "reviewer-kopeysk", "municipality": "kopeysk"},
        {"username": "reviewer-snezhinsk", "municipality": "snezhinsk"}]
CRITERIA = [{"code": "novelty", "title": "Новизна", "min": 0, "max": 10, "weight": 1},
            {"code": "evidence", "title": "Доказанность", "min": 1, "max": 5, "weight": 3}]


class Catalog:
    def list_reviewers(self):
        return POOL


@pytest.fixture
def db(migrated):
    return migrated("practices")


def practices(db, identity):
    return worker_factory(PracticesService, db=db, identity=lambda: identity, catalog=Catalog())


def submitted(db, title):
    entry = practices(db, KYSHTYM).create_entry({"kind": "best_practice", "title": title})
    practices(db, KYSHTYM).transition(entry["id"], "submit", {})
    return entry["id"]


def test_experts_of_the_entry_city_are_never_assigned_and_the_least_loaded_go_first(db):
    practices(db, COORDINATOR).create_rubric({"code": "main", "title": "Основная", "criteria": CRITERIA})
    rounds = [practices(db, COORDINATOR).open_expert_round(submitted(db, f"Практика {n}"), {"rubric": "main"})
              for n in range(3)]
    load = Counter(a["reviewer"] for r in rounds for a in r["assignments"])
    assert "reviewer-kyshtym" not in load
    assert load == {"reviewer-chippkro": 2, "reviewer-kopeysk": 2, "reviewer-snezhinsk": 2}


def test_the_total_is_a_weighted_share_of_each_scale():
    assert weighted_total(CRITERIA, {"novelty": 10, "evidence": 5}) == 100
    assert weighted_total(CRITERIA, {"novelty": 0, "evidence": 1}) == 0
    assert weighted_total(CRITERIA, {"novelty": 10, "evidence": 1}) == 25
