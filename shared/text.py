"""Which characters a text may hold: the one rule for what comes in and for what is written out.

Input is refused (:func:`first_bad_character`, used by ``shared.schemas.Text``); output is cleaned
(:func:`printable`, used by every XML, DOCX, ICS and CSV writer) so that text stored before the rule
existed cannot make a feed, a calendar or a collection invalid for a strict parser.
"""
import re

LINE_BREAKS = "\t\n\r"
# C0 controls, DEL and C1 controls; XML 1.0 forbids C0 outright and discourages C1.
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_SURROGATES = "\ud800-\udfff"
# Unicode noncharacters: U+FDD0..U+FDEF and the last two code points of every plane.
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
_INVALID = re.compile(f"[{_CONTROLS}{_SURROGATES}{_NONCHARACTERS}]")
_INVALID_ONE_LINE = re.compile(f"[{LINE_BREAKS}{_CONTROLS}{_SURROGATES}{_NONCHARACTERS}]")


def first_bad_character(text, multiline=False):
    """``(kind, character)`` of the first character ``text`` may not hold, or None.

    ``kind`` is ``line_break``, ``control``, ``surrogate`` or ``noncharacter``; tab and line breaks
    are allowed only when ``multiline``.
    """
    found = (_INVALID if multiline else _INVALID_ONE_LINE).search(text)
    if found is None:
        return None
    character = found.group()
    if character in LINE_BREAKS:
        return "line_break", character
    if "\ud800" <= character <= "\udfff":
        return "surrogate", character
    if re.fullmatch(f"[{_CONTROLS}]", character):
        return "control", character
    return "noncharacter", character


def printable(value):
    """``value`` without the characters no output may carry (valid XML 1.0, no controls but tab and
    line breaks), in every string of it: dicts and lists are cleaned throughout, anything else is
    returned as it is."""
    if isinstance(value, str):
        return _INVALID.sub("", value)
    if isinstance(value, dict):
        return {printable(key): printable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(printable(item) for item in value)
    return value
