"""Stored answers to repeated searches: reused until the read model changes or they grow old."""
from services.gateway.answers import AnswerStore


class Searches:
    def __init__(self):
        self.run = 0

    def __call__(self):
        self.run += 1
        return f"ответ {self.run}"


def test_a_repeated_search_is_answered_without_searching_again():
    store, search = AnswerStore(), Searches()
    assert store.answer({"q": "лазер", "grades": [9, 10]}, search) == "ответ 1"
    assert store.answer({"grades": [9, 10], "q": "лазер"}, search) == "ответ 1"
    assert store.answer({"q": "токарь"}, search) == "ответ 2"


def test_an_event_applied_to_the_read_model_makes_every_search_run_again():
    store, search = AnswerStore(), Searches()
    store.answer({"q": "лазер"}, search)
    store.forget_all()
    assert store.answer({"q": "лазер"}, search) == "ответ 2"


def test_an_answer_computed_while_an_event_arrived_is_not_kept():
    store = AnswerStore()

    def search_during_an_event():
        store.forget_all()
        return "устаревший ответ"

    assert store.answer({"q": "лазер"}, search_during_an_event) == "устаревший ответ"
    assert store.answer({"q": "лазер"}, lambda: "свежий ответ") == "свежий ответ"


def test_old_answers_are_not_used_and_the_store_keeps_only_the_latest_queries():
    search = Searches()
    aged = AnswerStore(max_age=0)
    aged.answer({"q": "лазер"}, search)
    assert aged.answer({"q": "лазер"}, search) == "ответ 2"
    small = AnswerStore(size=2)
    for q in ("а", "б", "в"):
        small.answer({"q": q}, search)
    assert small.answer({"q": "а"}, search) == "ответ 6"
