"""Answers to repeated searches, and guests' entry pages, kept until the read model changes.

The same searches come again and again (a profession many schools look for, the links of the home
page), and their answer changes only when an event changes this replica's read model, or, for the
upcoming sessions shown with a trial, as time passes. So each gateway keeps the encoded answers of
recent queries, keyed by the validated query: any event applied here empties the store
(:meth:`AnswerStore.forget_all`, called by the projections' reader), and an answer older than
``max_age`` seconds is never used. A repeated search then costs the HTTP handling and a dictionary
lookup instead of ranking and faceting in the database.
"""
import time
from collections import OrderedDict


class AnswerStore:
    def __init__(self, size=512, max_age=10.0):
        self.size, self.max_age = size, max_age
        self.generation = 0
        self._answers = OrderedDict()

    def answer(self, query, compute):
        """The stored answer to ``query`` (a dict of validated parameters), or ``compute()``'s, stored."""
        key = _key(query)
        stored = self._answers.get(key)
        if stored is not None and time.monotonic() - stored[0] < self.max_age:
            return stored[1]
        generation = self.generation
        answer = compute()
        if generation == self.generation:  # no event arrived while computing: the answer is current
            self._answers[key] = (time.monotonic(), answer)
            self._answers.move_to_end(key)
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
        return answer

    def forget_all(self):
        self.generation += 1
        self._answers.clear()


def _key(query):
    return tuple(sorted((name, tuple(value) if isinstance(value, list) else value) for name, value in query.items()))


SEARCH_ANSWERS = AnswerStore()
# A published entry's page as every guest sees it (the most visited page: web/entries.py), as HTML.
GUEST_PAGES = AnswerStore()


def forget_all():
    """Called after events were applied to the read model: every stored answer may be out of date."""
    SEARCH_ANSWERS.forget_all()
    GUEST_PAGES.forget_all()
