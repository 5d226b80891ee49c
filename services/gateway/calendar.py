"""RFC 5545 calendars of festivals (icalendar), for people to subscribe to from their calendar programs."""
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from shared.text import printable

PRODUCT = "-//Сеть практик//Фестивали//RU"
UID_DOMAIN = "practice-network"
# Control characters other than the line break cannot be written into a content line (a lone CR would end
# it); line breaks are escaped by icalendar itself.
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


def text(value):
    return CONTROL.sub(" ", printable(value).replace("\r\n", "\n").replace("\r", "\n"))


def calendar_of(festivals, name, base_url, with_programme=False):
    """An iCalendar of festival states (as the festivals service announces them); cancelled ones
    stay in it with STATUS:CANCELLED so subscribers see the cancellation. Every event links to its
    festival's page under ``base_url``; every TZID used is defined by a VTIMEZONE (RFC 5545, 3.2.19)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", text(name).replace("\n", " "))  # icalendar leaves X- names unescaped
    for festival in festivals:
        page = f"{base_url}/festivals/{festival['id']}"
        calendar.add_component(_festival_event(festival, page))
        for item in festival["programme"] if with_programme else ():
            calendar.add_component(_programme_event(festival, item, page))
    calendar.add_missing_timezones()  # built from the zoneinfo database
    return calendar.to_ical()


def _festival_event(festival, page):
    event = _event(f"festival-{festival['id']}", festival, page, festival["place"])
    event.add("summary", text(festival["title"]))
    # All-day events: DTEND is the day after the last day (RFC 5545, 3.6.1).
    event.add("dtstart", date.fromisoformat(festival["starts_on"]))
    event.add("dtend", date.fromisoformat(festival["ends_on"]) + timedelta(days=1))
    nominations = ", ".join(n["title"] for n in festival["nominations"])
    description = festival["description"] + (f"\nНоминации: {nominations}" if nominations else "")
    event.add("description", text(description.strip()))
    return event


def _programme_event(festival, item, page):
    zone = ZoneInfo(festival["timezone"])
    # One LOCATION per event (RFC 5545): the item's own room, else the festival's place.
    event = _event(f"festival-{festival['id']}-item-{item['id']}", festival, page, item["place"] or festival["place"])
    event.add("summary", text(f"{item['title']} — {festival['title']}"))
    event.add("dtstart", datetime.fromisoformat(item["starts_at"]).astimezone(zone))
    event.add("dtend", datetime.fromisoformat(item["ends_at"]).astimezone(zone))
    if item["speaker"]:
        event.add("description", text(f"Ведущий: {item['speaker']}"))
    return event


def _event(uid, festival, page, place):
    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("dtstamp", datetime.fromisoformat(festival["updated_at"]))
    event.add("sequence", festival["revision"])
    event.add("status", "CANCELLED" if festival["status"] == "cancelled" else "CONFIRMED")
    event.add("url", page)
    if place:
        event.add("location", text(place))
    return event
