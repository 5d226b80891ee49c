"""Signing in and out, and each role's workspace (``/cabinet``)."""
from services.catalog.contract import CredentialsSchema
from services.gateway import views
from services.gateway.endpoints.system import revoke_token, sign_in
from services.gateway.web import session
from services.gateway.web.forms import form_dict, next_path
from services.gateway.web.rendering import page, redirect, render
from services.gateway.web.search import page_link
from services.practices.contract import STATUS_TITLES
from shared.auth import METHODIST, REVIEWER, SCHOOL
from shared.errors import Forbidden, NotFound, TooManyRequests, Unauthorized, ValidationFailed
from shared.plugins import entry_kinds
from shared.schemas import MAX_PER_PAGE, load

WORKSPACE_SIZE = 50
# The methodist's table of entries: filters the practices service checks (EntryQuery), and its page.
CABINET_FILTERS = ("status", "kind", "q", "sort", "page")
CABINET_PAGE = 20
SORTS = {"updated": "недавно изменённые", "title": "по названию", "status": "по состоянию"}


def cabinet_link(args, **changes):
    return page_link("/cabinet", args, **changes)


@page("GET", "/login")
def login_page(gateway, request, visitor):
    return render(request, "login.html", typed={}, errors={}, next=next_path(request.args.get("next"), ""))


@page("POST", "/login")
def login(gateway, request, visitor):
    form = form_dict(request)
    try:
        token, _, _ = sign_in(gateway.catalog, load(CredentialsSchema(), {
            key: form.get(key) for key in ("username", "password") if form.get(key)}), request)
    except (ValidationFailed, Unauthorized, Forbidden, TooManyRequests) as error:
        return render(request, "login.html", status=error.status, typed=form, errors=error.fields,
                      message=error.message, next=next_path(form.get("next"), ""))
    return session.remember(redirect(next_path(form.get("next"), "/cabinet")), session.new_session(token), request)


@page("POST", "/logout")
def logout(gateway, request, visitor):
    if visitor.token:
        revoke_token(gateway.catalog, visitor.token)
    return session.remember(redirect("/?done=signed_out"), session.new_session(), request)


@page("GET", "/cabinet")
def cabinet(gateway, request, visitor):
    if visitor.identity is None:
        raise Unauthorized("Нужно войти в систему")
    page_size = {"per_page": WORKSPACE_SIZE}
    context = {}
    if visitor.role == METHODIST:
        args = {key: request.args.get(key, "").strip() for key in CABINET_FILTERS}
        args = {key: value for key, value in args.items() if value}
        context = {"entries": gateway.practices.list_entries({**args, "per_page": CABINET_PAGE}),
                   "kinds": entry_kinds(),
                   "args": args, "statuses": STATUS_TITLES, "sorts": SORTS, "link": cabinet_link,
                   "bookings": gateway.practices.list_bookings(page_size)["items"],
                   # a methodist of another city may sit on a festival's jury
                   "assignments": gateway.practices.my_expert_assignments()}
    elif visitor.role == REVIEWER:
        context = {"queue": gateway.practices.review_queue(page_size)["items"],
                   "assignments": gateway.practices.my_expert_assignments()}
    elif visitor.role == SCHOOL:
        context = {"bookings": gateway.practices.list_bookings(page_size)["items"]}
    with gateway.read_model() as read_session:
        titles = views.practice_titles(read_session, [b["practice_id"] for b in context.get("bookings", [])])
        cities = views.municipality_names(read_session)
    return render(request, "cabinet.html", titles=titles, cities=cities, **context)


@page("GET", "/bookings/<int:booking_id>/cancel")
def confirm_cancel_page(gateway, request, visitor, booking_id):
    """«Отменить бронь?»: what would be cancelled, and a button that does it (no JavaScript needed)."""
    booking = _booking(gateway, visitor, booking_id)
    if booking is None:
        raise NotFound(f"Действующей брони №{booking_id} среди ваших нет")
    with gateway.read_model() as read_session:
        title = views.practice_titles(read_session, [booking["practice_id"]]).get(booking["practice_id"])
    return render(request, "booking_cancel.html", booking=booking, title=title)


@page("POST", "/bookings/<int:booking_id>/cancel")
def cancel_booking_page(gateway, request, visitor, booking_id):
    waiting = (_booking(gateway, visitor, booking_id) or {}).get("status") == "waitlisted"
    gateway.practices.cancel_booking(booking_id)  # the practices service decides who may cancel what
    return redirect(f"/cabinet?done={'left-waitlist' if waiting else 'cancelled'}#main")


def _booking(gateway, visitor, booking_id):
    """The booking, if among the latest the visitor may see (a school's own, a methodist's city's)."""
    if visitor.identity is None:
        raise Unauthorized("Нужно войти в систему")
    bookings = gateway.practices.list_bookings({"per_page": MAX_PER_PAGE})["items"]
    return next((b for b in bookings if b["id"] == booking_id and b["status"] != "cancelled"), None)
