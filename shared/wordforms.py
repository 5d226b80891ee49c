"""Russian word forms for matching typed words: the stems the gateway's search indexes, and the same
rule («every typed word is the beginning of a stem») for short lists filtered where they are owned."""
import re
from functools import lru_cache

from snowballstemmer import stemmer

WORD = re.compile(r"\w+")
russian = stemmer("russian")


def words(value):
    return WORD.findall(str(value or "").lower().replace("ё", "е"))


# Snowball in pure Python is the costliest part of indexing a document, and documents repeat their
# words (professions, places, the kind's own phrases): each distinct word is stemmed once. Bounded, as
# the words come from what people typed.
stem = lru_cache(maxsize=200_000)(russian.stemWord)


def stems(value):
    return [stem(word) for word in words(value)]


def matches(query, text):
    """Whether every word of ``query``, in any form (or its beginning), is in ``text``."""
    known = stems(text)
    return all(any(stem.startswith(typed) for stem in known) for typed in stems(query))
