"""Entry pages: a practice or trial with its sessions, resources and history (schools book here), and a
festival with its programme, nominations and results."""
from zoneinfo import ZoneInfo

from services.gateway import adoptions, directory, opendata, views
from services.gateway.web.adoptions import may_adopt
from services.gateway.web.authoring import author_notes, may_author
from services.gateway.web.festivals import organises
from services.gateway.web.forms import SessionChoiceSchema, SessionFormSchema, form_dict, session_input
from services.gateway.web.rendering import page, redirect, render
from services.practices.schemas import BookingInputSchema, SessionInputSchema
from shared.auth import SCHOOL
from shared.errors import Conflict, NotFound, ValidationFailed
from shared.plugins import entry_kinds
from shared.schemas import MAX_PER_PAGE, form_numbers, load


@page("GET", "/practices/<int:entry_id>")
def practice_page(gateway, request, visitor, entry_id):
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
    entry = gateway.practices.get_entry(entry_id)
    plugin = entry_kinds().get(entry["kind"])
    sessions = gateway.practices.list_sessions(entry_id) if plugin and plugin.has_sessions else []
    mine = _own_bookings(gateway, request.visitor, entry_id) if sessions else {}
    with gateway.read_model() as session:
        city = views.municipality_name(session, entry["municipality"])
        resources = views.practice_resources(session, entry_id)
        json_ld = published_json_ld(opendata.entry_json_ld, session, entry_id, request)
        lineage = {"adoptions": adoptions.of_practice(session, entry_id),
                   "based_on": adoptions.based_on(session, entry_id),
                   "may_adopt": may_adopt(request.visitor, entry)}
    return render(request, "practice.html", status=status, entry=entry, city=city, sessions=sessions,
                  json_ld=json_ld, lineage=lineage,
                  has_sessions=bool(plugin and plugin.has_sessions), resources=resources,
                  history=gateway.practices.history(entry_id), author=may_author(request.visitor, entry),
                  notes=author_notes(gateway.practices, entry, request.visitor),
                  booking=booking or {}, scheduling=scheduling or {"typed": {}}, mine=mine)


def _own_bookings(gateway, visitor, entry_id):
    """``{session_id: booking}``: the school's bookings (or waitlist places) on this trial, not cancelled."""
    if visitor.role != SCHOOL:
        return {}
    bookings = gateway.practices.list_bookings({"per_page": MAX_PER_PAGE})["items"]
    return {b["session_id"]: b for b in bookings if b["practice_id"] == entry_id and b["status"] != "cancelled"}


@page("GET", "/festivals/<int:festival_id>")
def festival_page(gateway, request, visitor, festival_id):
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
