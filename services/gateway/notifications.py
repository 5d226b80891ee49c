"""Notifications: what concerns each person, projected from events into the read model.

My entry was reviewed (to its author), my booking was promoted from the waitlist (to the school), my
city's practice was adopted or its adopter reported results (to the city's methodists), a results report
of my adoption is due (to the adopter). Each event makes at most one notification, keyed by the event id,
so repeats and rebuilds never duplicate one. A person's Atom feed is addressed by a feed token signed
with the server's secret: a secret of its own, not the access token, that works on every replica.
"""
import base64
import hashlib
import hmac
import json
import uuid
from datetime import datetime
from xml.etree import ElementTree

from sqlalchemy import func, select

from services.gateway import views
from services.gateway.models import Notification, NotificationRead
from services.gateway.web.rendering import ru_date
from shared.auth import METHODIST, Identity
from shared.db import upsert
from shared.errors import NotFound
from shared.messaging import call_handler, utcnow, with_envelope
from shared.text import printable

ATOM = "http://www.w3.org/2005/Atom"
REVIEW_TITLES = {"practice_approved": "Запись {title} одобрена и опубликована",
                 "practice_changes_requested": "Запись {title} возвращена на доработку",
                 "practice_rejected": "Запись {title} отклонена"}


def reviewed(session, data):
    title = f"«{data['published']['title']}»" if data["published"] else f"№{data['id']}"
    return (f"user:{data['author']}", REVIEW_TITLES[data["event"]].format(title=title), data["comment"],
            f"/practices/{data['id']}")


def booking_promoted(session, data):
    state = data["session"]
    return (f"user:{data['school']}", "Бронь подтверждена: место освободилось в листе ожидания",
            f"Учеников: {data['pupils']}; занятие {ru_date(state['starts_at'], with_time=True)}",
            f"/practices/{state['practice_id']}#sessions")


def practice_adopted(session, data):
    city = views.municipality_name(session, data["adopter_municipality"])
    return (f"methodists:{data['original_municipality']}",
            f"Практику «{data['original_title']}» внедряет {city}",
            f"Что изменено: {data['changes']} Почему: {data['reason']}",
            f"/practices/{data['original_entry_id']}#adoptions")


def adoption_report_due(session, data):
    return (f"user:{data['adopted_by']}", f"Пора рассказать о результатах внедрения «{data['original_title']}»",
            "Коротко: что получилось, сколько участников, что бы вы посоветовали другим городам.", "/adoptions")


def adoption_reported(session, data):
    city = views.municipality_name(session, data["adopter_municipality"])
    return (f"methodists:{data['original_municipality']}",
            f"{city}: отчёт о результатах внедрения «{data['original_title']}»", data["report_text"],
            f"/practices/{data['original_entry_id']}#adoptions")


def juror_assigned(session, data):
    return (f"user:{data['reviewer']}", f"Вы в жюри: оцените заявку «{data['entry_title']}»",
            f"{data['festival_title']}. Баллы других членов жюри откроются после ваших.",
            f"/expertise/rounds/{data['round_id']}")


PLACE_TITLES = {1: "I место", 2: "II место", 3: "III место"}


def festival_results(session, data):
    """One notification per applicant: each learns the result of their own entry."""
    festival = data["festival"]
    for entry in festival["entries"]:
        if entry.get("status", "submitted") != "submitted":
            continue
        result = PLACE_TITLES.get(entry["place"]) or ("лауреат" if entry.get("laureate") else "участник")
        yield (f"user:{entry['entered_by']}", f"Итоги «{festival['title']}»: «{entry['practice_title']}» — {result}",
               "Диплом или сертификат участника можно скачать на странице фестиваля.",
               f"/festivals/{festival['id']}")


NOTIFIED = {**{name: reviewed for name in REVIEW_TITLES}, "booking_promoted": booking_promoted,
            "practice_adopted": practice_adopted, "adoption_report_due": adoption_report_due,
            "adoption_reported": adoption_reported, "festival_juror_assigned": juror_assigned,
            "festival_results_announced": festival_results}


def notifying(handler):
    """``handler`` of an event, followed by the event's notification, in the same transaction."""
    @with_envelope
    def project(session, data, envelope):
        if handler is not None:
            call_handler(handler, session, data, envelope)
        record(session, data, envelope)
    return project


def record(session, data, envelope):
    """The event's notification; an event that concerns several people (a festival's results) makes one
    for each, keyed by the event id and its number (one person may have several entries)."""
    name = envelope["event_type"]
    made = NOTIFIED[name](session, {**data, "event": name})
    several = not isinstance(made, tuple)
    for number, (audience, title, text, link) in enumerate(made if several else [made]):
        key = str(uuid.uuid5(uuid.UUID(envelope["event_id"]), str(number))) if several else envelope["event_id"]
        upsert(session, Notification, {"id": key, "audience": audience, "kind": name,
                                       "title": title, "text": text or "", "link": link,
                                       "occurred_at": datetime.fromisoformat(envelope["occurred_at"])})


def audiences(identity):
    """Whom ``identity`` is among: themselves, and their city's methodists if they are one."""
    own = [f"user:{identity.username}"]
    if identity.role == METHODIST and identity.municipality:
        own.append(f"methodists:{identity.municipality}")
    return own


def of(session, identity, unread=False, page=1, per_page=20):
    """A page of ``identity``'s notifications, newest first, each saying whether it was read."""
    read = select(NotificationRead.notification_id).where(NotificationRead.username == identity.username)
    query = select(Notification).where(Notification.audience.in_(audiences(identity)))
    unread_query = query.where(Notification.id.not_in(read))
    if unread:
        query = unread_query
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    unread_total = session.scalar(select(func.count()).select_from(unread_query.subquery()))
    rows = session.scalars(query.order_by(Notification.occurred_at.desc(), Notification.id.desc())
                           .offset((page - 1) * per_page).limit(per_page)).all()
    read_ids = set(session.scalars(read.where(NotificationRead.notification_id.in_([row.id for row in rows]))))
    items = [{"id": row.id, "kind": row.kind, "title": row.title, "text": row.text, "link": row.link,
              "occurred_at": row.occurred_at, "read": row.id in read_ids} for row in rows]
    return {"items": items, "total": total, "unread": unread_total, "page": page, "per_page": per_page}


def mark_read(session, identity, ids=None):
    """Mark ``identity``'s notifications ``ids`` (all of them when None) read; returns how many were new."""
    query = select(Notification.id).where(Notification.audience.in_(audiences(identity)),
                                          Notification.id.not_in(select(NotificationRead.notification_id).where(
                                              NotificationRead.username == identity.username)))
    if ids is not None:
        query = query.where(Notification.id.in_(ids))
    fresh = session.scalars(query).all()
    now = utcnow()
    for notification_id in fresh:  # an upsert: the same marks sent twice at once are no conflict
        upsert(session, NotificationRead, {"notification_id": notification_id, "username": identity.username,
                                           "read_at": now})
    return len(fresh)


def feed_token(identity, secret):
    """The secret part of ``identity``'s feed address: who it is, signed with the server's secret."""
    payload = base64.urlsafe_b64encode(json.dumps(
        [identity.username, identity.role, identity.municipality]).encode()).decode().rstrip("=")
    return f"{payload}.{_feed_signature(payload, secret)}"


def feed_identity(token, secret):
    """The identity a feed token was made for; 404 for anything not made by :func:`feed_token`."""
    payload, _, signature = token.rpartition(".")
    if not payload or not hmac.compare_digest(_feed_signature(payload, secret).encode(), signature.encode()):
        raise NotFound("Такой ленты нет")
    username, role, municipality = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return Identity(username, role, municipality)


def _feed_signature(payload, secret):
    # A key of its own: a feed token is good for reading the feed, and for nothing else.
    key = hmac.new(secret.encode(), b"notification-feed", hashlib.sha256).digest()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()[:40]


def atom(identity, items, base_url, self_url, reader=None):
    """The notifications as an Atom 1.0 feed (RFC 4287), naming its own address (``self_url``) as
    feed readers and validators expect; its title names the ``reader`` (the person, else the login)."""
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", f"urn:practice-network:notifications:{identity.username}")
    _text(feed, "title", f"Уведомления — Сеть практик ({reader or identity.username})")
    _text(feed, "updated", (items[0]["occurred_at"] if items else utcnow()).isoformat())
    ElementTree.SubElement(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml", href=self_url)
    ElementTree.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=f"{base_url}/notifications")
    author = ElementTree.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "Сеть практик")
    for item in items:
        entry = ElementTree.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", f"urn:uuid:{item['id']}")
        _text(entry, "title", item["title"])
        _text(entry, "updated", item["occurred_at"].isoformat())
        ElementTree.SubElement(entry, f"{{{ATOM}}}link", href=base_url + item["link"])
        _text(entry, "summary", item["text"] or item["title"])
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(feed, encoding="utf-8")


def _text(parent, name, value):
    ElementTree.SubElement(parent, f"{{{ATOM}}}{name}").text = printable(value)
