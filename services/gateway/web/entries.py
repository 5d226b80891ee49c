"""Entry pages: a practice or trial with its sessions, resources and history (schools book here), and a
festival with its programme, nominations and results. Both read what is public from the read model."""
from zoneinfo import ZoneInfo

from services.gateway import adoptions, directory, entry_history, opendata, projections, views
from services.gateway.answers import GUEST_PAGES
from services.gateway.web.adoptions import may_adopt
from services.gateway.web.authoring import author_notes, may_author, sees_working_copy
from services.gateway.web.festivals import organises
from services.gateway.web.forms import SessionChoiceSchema, SessionFormSchema, form_dict, session_input
from services.gateway.web.freshness import await_projection
from services.gateway.web.rendering import html_response, page, redirect, render, rendered
from services.practices.contract import BookingInputSchema, SessionInputSchema
from shared.auth import SCHOOL
from shared.errors import Conflict, NotFound, ValidationFailed
from shared.plugins import entry_kinds
from shared.schemas import MAX_PER_PAGE, form_numbers, load


@page("GET", "/practices/<int:entry_id>")
def practice_page(gateway, request, visitor, entry_id):
    if visitor.identity is None and not request.args:
        # Every guest sees the same page: kept until the read model changes (the page shows nothing else).
        key = {"entry_id": entry_id, "host": request.host_url}
        version = projections.version(gateway.read_model)
        return html_response(GUEST_PAGES.answer(key, lambda: _practice_html(gateway, request, entry_id), version))
    return _practice(gateway, request, entry_id)


@page("POST", "/practices/<int:entry_id>/book")
def book_page(gateway, request, visitor, entry_id):
    form = form_dict(request)
    session_id = load(SessionChoiceSchema(), {"session_id": form.pop("session_id", None)})["session_id"]
    try:
        booked = gateway.practices.book(session_id, load(BookingInputSchema(), form_numbers(form, ("pupils", "grade"))))
    except (ValidationFailed, Conflict) as error:
        return _practice(gateway, request, entry_id, status=error.status, booking={
            "error": error, "session": session_id, "typed": form})
    # The page shows the seats from the read model: once they include this booking.
    await_projection(gateway, lambda session: views.session_projected(session, session_id,
                                                                      booked["session"]["revision"]))
    # The notice is shown at the top of the content, and the anchor keeps it in view.
    done = "waitlisted" if booked["status"] == "waitlisted" else "booked"
    return redirect(f"/practices/{entry_id}?done={done}#main")


@page("POST", "/practices/<int:entry_id>/sessions")
def schedule_page(gateway, request, visitor, entry_id):
    form = form_dict(request)
    entry = gateway.practices.get_entry(entry_id)
    try:
        when = load(SessionFormSchema(), {key: value for key, value in form.items() if value.strip()})
        with gateway.read_model() as session:
            zone = ZoneInfo(directory.municipality(session, entry["municipality"]).timezone)
        gateway.practices.schedule_session(entry_id, load(SessionInputSchema(), session_input(when, zone)))
    except ValidationFailed as error:
        return _practice(gateway, request, entry_id, status=error.status, scheduling={
            "error": error, "typed": form})
    # Schools book only what is published: a draft's session waits for the approval.
    done = "scheduled" if entry["status"] == "approved" else "scheduled_draft"
    return redirect(f"/practices/{entry_id}?done={done}#sessions")


def _practice(gateway, request, entry_id, status=200, booking=None, scheduling=None):
    return html_response(_practice_html(gateway, request, entry_id, booking, scheduling), status)


def _practice_html(gateway, request, entry_id, booking=None, scheduling=None):
    entry, sessions, history = _entry_sessions_history(gateway, request.visitor, entry_id)
    mine = _own_bookings(gateway, request.visitor, entry_id) if sessions else {}
    with gateway.read_model() as session:
        city = views.municipality_name(session, entry["municipality"])
        resources = views.practice_resources(session, entry_id)
        json_ld = published_json_ld(opendata.entry_json_ld, session, entry_id, request)
        lineage = {"adoptions": adoptions.of_practice(session, entry_id),
                   "based_on": adoptions.based_on(session, entry_id),
                   "may_adopt": may_adopt(request.visitor, entry)}
    return rendered(request, "practice.html", entry=entry, city=city, sessions=sessions,
                    json_ld=json_ld, lineage=lineage, has_sessions=_has_sessions(entry), resources=resources,
                    history=history, author=may_author(request.visitor, entry),
                    notes=author_notes(gateway.practices, entry, request.visitor),
                    booking=booking or {}, scheduling=scheduling or {"typed": {}}, mine=mine)


def _entry_sessions_history(gateway, visitor, entry_id):
    """The entry, its sessions and its history. A published entry is shown from the read model, with no
    call to the practices service (the most visited page: it opens while that service is down, too);
    an unpublished one, or anyone who sees the working copy, gets that service's answer as today."""
    with gateway.read_model() as session:
        entry = views.published_entry(session, entry_id)
        if entry is not None and not sees_working_copy(visitor, entry):
            sessions = views.trial_sessions(session, entry_id) if _has_sessions(entry) else []
            return entry, sessions, entry_history.public_history(session, entry_id)
    entry = gateway.practices.get_entry(entry_id)
    sessions = gateway.practices.list_sessions(entry_id) if _has_sessions(entry) else []
    return entry, sessions, gateway.practices.history(entry_id)


def _has_sessions(entry):
    plugin = entry_kinds().get(entry["kind"])
    return bool(plugin and plugin.has_sessions)


def _own_bookings(gateway, visitor, entry_id):
    """``{session_id: booking}``: the school's bookings (or waitlist places) on this trial, not cancelled."""
    if visitor.role != SCHOOL:
        return {}
    bookings = gateway.practices.list_bookings({"per_page": MAX_PER_PAGE})["items"]
    return {b["session_id"]: b for b in bookings if b["practice_id"] == entry_id and b["status"] != "cancelled"}


@page("GET", "/festivals/<int:festival_id>")
def festival_page(gateway, request, visitor, festival_id):
    with gateway.read_model() as session:
        festival = views.festival_state(session, festival_id)
    # Not announced to the read model (yet), or the page a visitor's own change redirects to (?done=…),
    # which must show that change at once: the festivals service knows (or says 404).
    if festival is None or request.args.get("done"):
        festival = gateway.festivals.get_festival(festival_id)
    with gateway.read_model() as session:
        city = views.municipality_name(session, festival["municipality"])
        json_ld = published_json_ld(opendata.festival_json_ld, session, festival_id, request)
        cities = views.municipality_names(session)
    nominations = {item["id"]: item["title"] for item in festival["nominations"]}
    has_winners = any(e["status"] == "submitted" and (e["place"] or e["laureate"]) for e in festival["entries"])
    return render(request, "festival.html", festival=festival, city=city, nominations=nominations,
                  json_ld=json_ld, cities=cities, organiser=organises(visitor, festival), has_winners=has_winners)


def published_json_ld(build, session, item_id, request):
    """The page's schema.org JSON-LD from the read model; None while nothing of it is published there."""
    try:
        return build(session, item_id, request.host_url.rstrip("/"))
    except NotFound:
        return None
