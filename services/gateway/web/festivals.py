"""Organiser's pages of festivals: the list of one's own festivals, creating (publishing) one with its
nominations, editing it, adding programme items in the city's time, and cancelling it after a
confirmation. Who may organise which festival is the festivals service's rule (organising.py); the
pages only offer their forms to the roles that may."""
from services.festivals.contract import (
    KINDS,
    REGION,
    FestivalChangeSchema,
    FestivalInputSchema,
    ProgrammeItemInputSchema,
)
from services.gateway import views
from services.gateway.web.festival_forms import FESTIVAL_FIELDS, festival_input, filled, lines, programme_input
from services.gateway.web.forms import form_dict
from services.gateway.web.rendering import only_for, page, redirect, render
from shared.auth import ADMIN, METHODIST, REVIEWER
from shared.errors import Conflict, ValidationFailed
from shared.schemas import load

ORGANISERS = (METHODIST, REVIEWER, ADMIN)
CREATORS = (METHODIST, REVIEWER)  # an administrator changes festivals but does not hold one
ORGANISERS_ONLY = "Фестивали проводят методисты (городские), эксперты ЧИППКРО (региональные) и администраторы"


def organises(visitor, festival):
    """Whether the page offers the organiser's forms (the service checks again on every change)."""
    if visitor.identity is None or visitor.role not in ORGANISERS:
        return False
    if visitor.role == ADMIN:
        return True
    if festival["municipality"] != REGION:
        return visitor.role == METHODIST and visitor.identity.municipality == festival["municipality"]
    return visitor.identity.username == festival["created_by"]


@page("GET", "/festivals/mine")
def my_festivals_page(gateway, request, visitor):
    only_for(visitor, ORGANISERS, ORGANISERS_ONLY)
    with gateway.read_model() as session:
        festivals = [f for f in views.festival_states(session) if organises(visitor, f)]
        cities = views.municipality_names(session)
    return render(request, "festivals_mine.html", festivals=festivals, cities=cities,
                  may_create=visitor.role in CREATORS)


@page("GET", "/festivals/new")
def new_festival_page(gateway, request, visitor):
    only_for(visitor, CREATORS, "Фестиваль создают методисты своего города и эксперты ЧИППКРО")
    return _festival_form(request, typed={"kind": "festival"}, errors={})


@page("POST", "/festivals/new")
def create_festival_page(gateway, request, visitor):
    only_for(visitor, CREATORS, "Фестиваль создают методисты своего города и эксперты ЧИППКРО")
    form = form_dict(request)
    try:
        festival = gateway.festivals.create_festival(load(FestivalInputSchema(), festival_input(form)))
    except ValidationFailed as error:
        return _festival_form(request, typed=form, errors=error.fields, status=error.status)
    return redirect(f"/festivals/{festival['id']}/edit?done=festival_created")


@page("GET", "/festivals/<int:festival_id>/edit")
def edit_festival_page(gateway, request, visitor, festival_id):
    return _edit_page(gateway, request, visitor, festival_id)


@page("POST", "/festivals/<int:festival_id>/edit")
def save_festival_page(gateway, request, visitor, festival_id):
    """The festival's fields, and any nominations typed in «Добавить номинации» (one a line)."""
    only_for(visitor, ORGANISERS, ORGANISERS_ONLY)
    form = form_dict(request)
    try:
        changes = load(FestivalChangeSchema(), filled(form, FESTIVAL_FIELDS))
        gateway.festivals.change_festival(festival_id, changes)
    except (ValidationFailed, Conflict) as error:
        return _edit_page(gateway, request, visitor, festival_id, typed=form, errors=error.fields,
                          status=error.status)
    for title in lines(form.get("nominations")):
        try:
            gateway.festivals.add_nomination(festival_id, {"title": title})
        except (ValidationFailed, Conflict) as error:  # its field is the textarea of new nominations
            return _edit_page(gateway, request, visitor, festival_id, typed=form, status=error.status,
                              errors={"nominations": [f"«{title}»: {error.message}"]})
    return redirect(f"/festivals/{festival_id}/edit?done=saved")


@page("POST", "/festivals/<int:festival_id>/programme")
def add_programme_page(gateway, request, visitor, festival_id):
    only_for(visitor, ORGANISERS, ORGANISERS_ONLY)
    form = form_dict(request)
    festival = gateway.festivals.get_festival(festival_id)
    try:
        item = load(ProgrammeItemInputSchema(), programme_input(form, festival["timezone"]))
        gateway.festivals.add_programme_item(festival_id, item)
    except ValidationFailed as error:
        return _edit_page(gateway, request, visitor, festival_id, programme={"typed": form, "errors": error.fields},
                          status=error.status)
    return redirect(f"/festivals/{festival_id}/edit?done=programme_added#programme")


@page("GET", "/festivals/<int:festival_id>/cancel")
def confirm_festival_cancel_page(gateway, request, visitor, festival_id):
    only_for(visitor, ORGANISERS, ORGANISERS_ONLY)
    festival = gateway.festivals.get_festival(festival_id)
    return render(request, "festival_cancel.html", festival=festival)


@page("POST", "/festivals/<int:festival_id>/cancel")
def cancel_festival_page(gateway, request, visitor, festival_id):
    only_for(visitor, ORGANISERS, ORGANISERS_ONLY)
    gateway.festivals.cancel_festival(festival_id)
    return redirect(f"/festivals/{festival_id}?done=festival_cancelled")


def _festival_form(request, typed, errors, status=200):
    return render(request, "festival_form.html", status=status, typed=typed, errors=errors, kinds=KINDS)


def _edit_page(gateway, request, visitor, festival_id, typed=None, errors=None, programme=None, status=200):
    only_for(visitor, ORGANISERS, ORGANISERS_ONLY)
    festival = gateway.festivals.get_festival(festival_id)
    with gateway.read_model() as session:
        city = views.municipality_name(session, festival["municipality"])
    typed = typed or {key: festival[key] or "" for key in FESTIVAL_FIELDS}
    return render(request, "festival_edit.html", status=status, festival=festival, city=city, typed=typed,
                  errors=errors or {}, programme=programme or {"typed": {}, "errors": {}},
                  may_organise=organises(visitor, festival))
