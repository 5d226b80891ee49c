"""Answers to repeated searches, and guests' entry pages, kept until the read model changes.

The same searches come again and again (a profession many schools look for, the links of the home
page), and their answer changes only when the projector changes the read model, or, for the upcoming
sessions shown with a trial, as time passes. So each HTTP worker keeps the encoded answers of recent
queries, keyed by the query (validated, or as sent when the same string always validates alike), with
the read model's version they were computed at. The projector is another process: it raises the
version in the transaction of every change (``projections.changed``), and a worker reads it (one
primary-key lookup) before serving a stored answer; an answer of another version, or older than
``max_age`` seconds, is never used. A repeated search then costs the HTTP handling, that lookup and a
dictionary lookup instead of validation, ranking and faceting.
"""
import time
from collections import OrderedDict


class AnswerStore:
    def __init__(self, size=512, max_age=10.0):
        self.size, self.max_age = size, max_age
        self.version = None
        self._answers = OrderedDict()

    def answer(self, query, compute, version):
        """The stored answer to ``query`` (a dict of validated parameters, or the raw query string)
        if computed at the read model's ``version`` (read before calling this), else ``compute()``'s,
        stored."""
        if version != self.version:  # the read model changed: nothing stored is current any more
            self._answers.clear()
            self.version = version
        key = _key(query) if isinstance(query, dict) else query
        stored = self._answers.get(key)
        if stored is not None and time.monotonic() - stored[0] < self.max_age:
            return stored[1]
        # Stored under the version read before computing: if the model changed meanwhile, the next
        # lookup sees a newer version and drops it.
        answer = compute()
        self._answers[key] = (time.monotonic(), answer)
        self._answers.move_to_end(key)
        while len(self._answers) > self.size:
            self._answers.popitem(last=False)
        return answer


def _key(query):
    return tuple(sorted((name, tuple(value) if isinstance(value, list) else value) for name, value in query.items()))


SEARCH_ANSWERS = AnswerStore()
# A published entry's page as every guest sees it (the most visited page: web/entries.py), as HTML.
GUEST_PAGES = AnswerStore()
