"""The festival season in the browser: the organiser opens the call and names the jury, applicants enter
their city's published practices and withdraw them until the deadline («Мои заявки»), the organiser
ranks the entries and announces results, builds the winners' сборник, and a city's winners are put
forward to a regional festival. Jurors score on the expert workbench (web/expertise.py). Every rule is
the festivals service's; these pages turn forms into its input and show its Russian refusals."""
from datetime import UTC, datetime

from services.festivals.contract import REGION, CallInputSchema, EntryInputSchema, JuryInputSchema, ResultsInputSchema
from services.gateway import views
from services.gateway.endpoints.collections import ask_for_collection
from services.gateway.schemas import CollectionRequestSchema
from services.gateway.web.festival_forms import PutForwardSchema, call_input, entry_input, results_input
from services.gateway.web.festivals import ORGANISERS, ORGANISERS_ONLY
from services.gateway.web.forms import form_dict
from services.gateway.web.rendering import only_for, page, redirect, render
from shared.auth import ADMIN, METHODIST, REVIEWER
from shared.errors import Conflict, NotFound, ValidationFailed
from shared.plugins import entry_kinds
from shared.schemas import MAX_PER_PAGE, load

APPLICANTS_ONLY = "Заявки на фестиваль подают методисты муниципалитетов"
JUROR_ROLES = (REVIEWER, METHODIST, ADMIN)  # whom the catalog lets an organiser name (experts.py)
PLACE_CHOICES = (("", "—"), ("1", "1-е место"), ("2", "2-е место"), ("3", "3-е место"), ("laureate", "Лауреат"))


def call_open(state, now=None):
    """Whether a festival's call takes entries now: its deadline read from the announced state, since
    the state's ``call.status`` is as of the last change."""
    deadline = (state.get("call") or {}).get("deadline")
    return state["status"] != "cancelled" and bool(deadline) and \
        datetime.fromisoformat(deadline) > (now or datetime.now(UTC))


@page("GET", "/festivals/<int:festival_id>/call")
def call_page(gateway, request, visitor, festival_id):
    return _call_form(gateway, request, visitor, festival_id)


@page("POST", "/festivals/<int:festival_id>/call")
def open_call_page(gateway, request, visitor, festival_id):
    only_for(visitor, ORGANISERS, ORGANISERS_ONLY)
    festival = gateway.festivals.get_festival(festival_id)
    try:
        gateway.festivals.open_call(festival_id, load(CallInputSchema(), call_input(request.form, festival)))
    except ValidationFailed as error:
        return _call_form(gateway, request, visitor, festival_id, form=request.form, errors=error.fields,
                          message=error.message, status=error.status)
    return redirect(f"/festivals/{festival_id}?done=call_opened")


@page("GET", "/festivals/<int:festival_id>/enter")
def enter_page(gateway, request, visitor, festival_id):
    return _entry_form(gateway, request, visitor, festival_id, typed={"nomination": request.args.get("nomination", "")})


@page("POST", "/festivals/<int:festival_id>/enter")
def submit_entry_page(gateway, request, visitor, festival_id):
    only_for(visitor, (METHODIST,), APPLICANTS_ONLY)
    form = form_dict(request)
    try:
        gateway.festivals.enter_practice(festival_id, load(EntryInputSchema(), entry_input(form)))
    except (ValidationFailed, Conflict, NotFound) as error:
        return _entry_form(gateway, request, visitor, festival_id, typed=form, errors=error.fields,
                           message=error.message, status=error.status)
    return redirect("/festival-entries?done=entered")


@page("POST", "/festivals/<int:festival_id>/entries/<int:entry_id>/withdraw")
def withdraw_entry_page(gateway, request, visitor, festival_id, entry_id):
    try:
        gateway.festivals.withdraw_entry(festival_id, entry_id)
    except Conflict as error:
        return _my_entries(gateway, request, visitor, message=error.message, status=error.status)
    return redirect("/festival-entries?done=entry_withdrawn")


@page("GET", "/festival-entries")
def my_entries_page(gateway, request, visitor):
    return _my_entries(gateway, request, visitor)


@page("POST", "/festival-entries/<int:entry_id>/put-forward")
def put_forward_page(gateway, request, visitor, entry_id):
    """Enter a city festival's winning practice into an open regional festival's call, keeping the link."""
    only_for(visitor, (METHODIST,), APPLICANTS_ONLY)
    mine = {item["id"]: item for item in gateway.festivals.my_entries({"per_page": MAX_PER_PAGE})["items"]}
    if entry_id not in mine:
        raise NotFound(f"Заявки №{entry_id} среди заявок вашего города нет")
    try:
        target = load(PutForwardSchema(), {key: value for key, value in form_dict(request).items()
                                           if key == "target" and value})["target"]
        festival_id, nomination = target.split(":", 1)
        gateway.festivals.enter_practice(int(festival_id), load(EntryInputSchema(), {
            "practice_id": mine[entry_id]["practice_id"], "nomination": nomination, "from_entry_id": entry_id,
            "application": mine[entry_id]["application"], "resources": mine[entry_id]["resources"]}))
    except (ValidationFailed, Conflict, NotFound) as error:
        return _my_entries(gateway, request, visitor, message=error.message, status=error.status,
                           failed_entry=entry_id)
    return redirect("/festival-entries?done=put_forward")


@page("GET", "/festivals/<int:festival_id>/jury")
def jury_page(gateway, request, visitor, festival_id):
    return _jury_form(gateway, request, visitor, festival_id)


@page("POST", "/festivals/<int:festival_id>/jury")
def appoint_jury_page(gateway, request, visitor, festival_id):
    only_for(visitor, ORGANISERS, ORGANISERS_ONLY)
    chosen = request.form.getlist("jurors")
    try:
        gateway.festivals.appoint_jury(festival_id, load(JuryInputSchema(), {"jurors": chosen}))
    except (ValidationFailed, Conflict) as error:
        return _jury_form(gateway, request, visitor, festival_id, chosen=chosen, errors=error.fields,
                          message=error.message, status=error.status)
    return redirect(f"/festivals/{festival_id}?done=jury_appointed")


@page("GET", "/festivals/<int:festival_id>/ranking")
def ranking_page(gateway, request, visitor, festival_id):
    return _ranking(gateway, request, visitor, festival_id)


@page("POST", "/festivals/<int:festival_id>/results")
def announce_results_page(gateway, request, visitor, festival_id):
    only_for(visitor, ORGANISERS, ORGANISERS_ONLY)
    ranking = gateway.festivals.ranking(festival_id)
    try:
        results = load(ResultsInputSchema(), results_input(request.form, ranking))
        gateway.festivals.announce_results(festival_id, results)
    except (ValidationFailed, Conflict, NotFound) as error:
        return _ranking(gateway, request, visitor, festival_id, form=request.form, error=error, status=error.status)
    return redirect(f"/festivals/{festival_id}?done=results_announced")


@page("POST", "/festivals/<int:festival_id>/collection")
def winners_collection_page(gateway, request, visitor, festival_id):
    """«Собрать сборник победителей»: the registry's collection of the festival's places and laureates."""
    only_for(visitor, ORGANISERS, ORGANISERS_ONLY)
    festival = gateway.festivals.get_festival(festival_id)
    data = load(CollectionRequestSchema(), {"title": f"Сборник победителей: {festival['title']}"[:300],
                                            "festival_id": festival_id, "winners_only": True})
    collection = ask_for_collection(gateway.read_model, gateway.practices, data)
    return redirect(f"/collections/{collection['id']}")


def _call_form(gateway, request, visitor, festival_id, form=None, errors=None, message=None, status=200):
    only_for(visitor, ORGANISERS, ORGANISERS_ONLY)
    festival = gateway.festivals.get_festival(festival_id)
    deadline = datetime.fromisoformat(festival["call"]["deadline"]) if festival["call"]["deadline"] else None
    if form is None:  # the call as it stands, to move its deadline or change its rules
        typed = {"deadline_day": f"{deadline:%Y-%m-%d}" if deadline else "",
                 "deadline_time": f"{deadline:%H:%M}" if deadline else "18:00",
                 "rubric": festival["call"]["rubric"] or "",
                 **{f"rubric-{n['id']}": n["rubric"] or "" for n in festival["nominations"]}}
        kinds = {n["id"]: n["kinds"] for n in festival["nominations"]}
    else:
        typed = {key: form.get(key, "") for key in form}
        kinds = {n["id"]: form.getlist(f"kinds-{n['id']}") for n in festival["nominations"]}
    return render(request, "festival_call.html", status=status, festival=festival, typed=typed, kinds=kinds,
                  errors=errors or {}, message=message, entry_kinds=entry_kinds(), rubrics=_rubrics(gateway))


def _rubrics(gateway):
    return {rubric["code"]: rubric["title"] for rubric in gateway.practices.list_rubrics()}


def _entry_form(gateway, request, visitor, festival_id, typed, errors=None, message=None, status=200):
    only_for(visitor, (METHODIST,), APPLICANTS_ONLY)
    festival = gateway.festivals.get_festival(festival_id)
    practices = gateway.practices.list_entries({"status": "approved", "sort": "title", "per_page": MAX_PER_PAGE})
    return render(request, "festival_enter.html", status=status, festival=festival, typed=typed,
                  errors=errors or {}, message=message, practices=practices["items"], kinds=entry_kinds(),
                  is_open=festival["call"]["status"] == "open")


def _my_entries(gateway, request, visitor, message=None, status=200, failed_entry=None):
    only_for(visitor, (METHODIST, REVIEWER, ADMIN), "Заявки на фестивали подают методисты муниципалитетов")
    entries = gateway.festivals.my_entries({"per_page": MAX_PER_PAGE})["items"]
    with gateway.read_model() as session:
        states = {state["id"]: state for state in views.festival_states(session)}
        cities = views.municipality_names(session)
    regional_calls = [state for state in states.values() if state["municipality"] == REGION and call_open(state)]
    return render(request, "festival_entries.html", status=status, entries=entries, states=states, cities=cities,
                  message=message, failed_entry=failed_entry, call_open=call_open, regional_calls=regional_calls,
                  may_put_forward=visitor.role == METHODIST)


def _jury_form(gateway, request, visitor, festival_id, chosen=None, errors=None, message=None, status=200):
    only_for(visitor, ORGANISERS, ORGANISERS_ONLY)
    festival = gateway.festivals.get_festival(festival_id)
    with gateway.read_model() as session:
        candidates = views.jury_candidates(session, JUROR_ROLES)
        cities = views.municipality_names(session)
    named = {juror["username"] for juror in festival["jury"]}
    return render(request, "festival_jury.html", status=status, festival=festival, candidates=candidates,
                  cities=cities, chosen=set(chosen) if chosen is not None else named, named=named,
                  errors=errors or {}, message=message, rubrics=_rubrics(gateway))


def _ranking(gateway, request, visitor, festival_id, form=None, error=None, status=200):
    only_for(visitor, ORGANISERS, ORGANISERS_ONLY)
    festival = gateway.festivals.get_festival(festival_id)
    ranking = gateway.festivals.ranking(festival_id)
    with gateway.read_model() as session:
        cities = views.municipality_names(session)
    if form is None:  # the results announced before, to be corrected
        typed = {}
        for index, nomination in enumerate(ranking["nominations"]):
            typed[f"tie_reason-n{index}"] = nomination["tie_reason"]
            for entry in nomination["entries"]:
                typed[f"place-n{index}-{entry['practice_id']}"] = (
                    str(entry["place"]) if entry["place"] else "laureate" if entry["laureate"] else "")
    else:
        typed = {key: form.get(key, "") for key in form}
    # The service names the nomination whose tie needs a reason in its message: the error goes there.
    refused = {index for index, n in enumerate(ranking["nominations"])
               if error is not None and f"«{n['nomination']}»" in error.message}
    return render(request, "festival_ranking.html", status=status, festival=festival, ranking=ranking,
                  cities=cities, typed=typed, error=error, refused=refused, place_choices=PLACE_CHOICES)
