"""What strict readers of our files require, checked with parsers the project does not write with."""
from xml.etree import ElementTree

import feedparser
import ics
from ics.grammar.parse import Container, calendar_string_to_containers


def components(container, name):
    return [child for child in container if isinstance(child, Container) and child.name == name]


def lines(container, name):
    return [child for child in container if not isinstance(child, Container) and child.name == name]


def assert_strict_calendar(body):
    """What a strict calendar program requires of our files (RFC 5545), checked with ``ics``."""
    parsed = ics.Calendar(body)  # refuses, among others, a second LOCATION in an event
    root = calendar_string_to_containers(body)[0]
    defined = {line.value for zone in components(root, "VTIMEZONE") for line in lines(zone, "TZID")}
    used = set()
    for event in components(root, "VEVENT"):
        assert len(lines(event, "UID")) == 1 and len(lines(event, "DTSTAMP")) == 1
        assert len(lines(event, "LOCATION")) <= 1
        used |= {tzid for line in event if not isinstance(line, Container) for tzid in line.params.get("TZID", [])}
    assert used <= defined, f"TZID без VTIMEZONE: {used - defined}"
    return parsed, used


ATOM = "{http://www.w3.org/2005/Atom}"


def assert_atom(body, self_url):
    """An Atom 1.0 feed by RFC 4287 naming ``self_url`` as its own address, read by feedparser and by
    ElementTree; the feedparser result is returned."""
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert [link.href for link in parsed.feed.links if link.rel == "self"] == [self_url]
    assert parsed.feed.id and parsed.feed.title and parsed.feed.updated_parsed
    assert parsed.feed.get("author") or all(entry.get("author") for entry in parsed.entries)
    assert all(entry.id and entry.title and entry.updated_parsed for entry in parsed.entries)

    root = ElementTree.fromstring(body)
    assert [link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"] == [self_url]
    for element in [root, *root.findall(f"{ATOM}entry")]:
        assert element.findtext(f"{ATOM}id") and element.findtext(f"{ATOM}updated")
    return parsed


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_cells(rows, number_columns=()):
    """``(column, value)`` of every CSV cell (csv.DictReader rows) a spreadsheet would run as a formula."""
    return [(name, value) for row in rows for name, value in row.items()
            if name not in number_columns and value.startswith(FORMULA_STARTS)]
