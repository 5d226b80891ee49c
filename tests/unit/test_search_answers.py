"""Stored answers to repeated searches: reused until the read model's version moves or they grow old."""
from services.gateway.answers import AnswerStore


class Searches:
    def __init__(self):
        self.run = 0

    def __call__(self):
        self.run += 1
        return f"ответ {self.run}"


def test_a_repeated_search_is_answered_without_searching_again():
    store, search = AnswerStore(), Searches()
    assert store.answer({"q": "лазер", "grades": [9, 10]}, search, 7) == "ответ 1"
    assert store.answer({"grades": [9, 10], "q": "лазер"}, search, 7) == "ответ 1"
    assert store.answer({"q": "токарь"}, search, 7) == "ответ 2"


def test_a_new_version_of_the_read_model_makes_every_search_run_again():
    store, search = AnswerStore(), Searches()
    store.answer({"q": "лазер"}, search, 7)
    assert store.answer({"q": "лазер"}, search, 8) == "ответ 2"
    assert store.answer({"q": "лазер"}, search, 8) == "ответ 2"


def test_an_answer_computed_while_the_projector_changed_the_model_is_not_used_again():
    store = AnswerStore()
    # Computed under version 7 (read before searching) while the projector committed version 8.
    assert store.answer({"q": "лазер"}, lambda: "устаревший ответ", 7) == "устаревший ответ"
    assert store.answer({"q": "лазер"}, lambda: "свежий ответ", 8) == "свежий ответ"


def test_old_answers_are_not_used_and_the_store_keeps_only_the_latest_queries():
    search = Searches()
    aged = AnswerStore(max_age=0)
    aged.answer({"q": "лазер"}, search, 1)
    assert aged.answer({"q": "лазер"}, search, 1) == "ответ 2"
    small = AnswerStore(size=2)
    for q in ("а", "б", "в"):
        small.answer({"q": q}, search, 1)
    assert small.answer({"q": "а"}, search, 1) == "ответ 6"
