"""Adoption pages: «Внедрить у себя» for a methodist of another city, the city's adoptions with their
results reports, and how practices spread between cities (a table and an SVG chart)."""
from services.gateway import adoptions
from services.gateway.web.charts import stacked_bars
from services.gateway.web.forms import form_dict
from services.gateway.web.rendering import page, redirect, render
from services.practices.contract import AdoptionInputSchema, AdoptionReportInputSchema
from shared.auth import METHODIST
from shared.errors import Conflict, Unauthorized, ValidationFailed
from shared.schemas import load

SPREAD_SERIES = {"reported": "с отчётом о результатах", "awaiting": "отчёта пока нет"}
PAIR_LABEL_WIDTH = 230  # «Магнитогорск → Копейск» and longer


def may_adopt(visitor, entry):
    """Whether the page offers «Внедрить у себя»: a methodist of another city, a published entry."""
    identity = visitor.identity if visitor else None
    return bool(identity and identity.role == METHODIST and identity.municipality != entry["municipality"]
                and entry.get("published_version"))


@page("GET", "/practices/<int:entry_id>/adopt")
def adopt_form_page(gateway, request, visitor, entry_id):
    if visitor.identity is None:
        raise Unauthorized("Нужно войти в систему")
    return _adopt_form(gateway, request, entry_id, typed={}, errors={})


@page("POST", "/practices/<int:entry_id>/adopt")
def adopt_page(gateway, request, visitor, entry_id):
    form = form_dict(request)
    try:
        adoption = gateway.practices.adopt_entry(entry_id, load(AdoptionInputSchema(), form))
    except (ValidationFailed, Conflict) as error:
        return _adopt_form(gateway, request, entry_id, typed=form, errors=error.fields, message=error.message,
                                status=error.status)
    return redirect(f"/practices/{adoption['adaptation_entry_id']}?done=adopted")


def _adopt_form(gateway, request, entry_id, typed, errors, message=None, status=200):
    entry = gateway.practices.get_entry(entry_id)
    return render(request, "adopt.html", status=status, entry=entry, typed=typed, errors=errors,
                  message=message)


@page("GET", "/adoptions")
def adoptions_page(gateway, request, visitor):
    if visitor.identity is None:
        raise Unauthorized("Нужно войти в систему")
    return _adoptions(gateway, request, visitor, reporting={})


@page("POST", "/adoptions/<int:adoption_id>/report")
def report_page(gateway, request, visitor, adoption_id):
    form = form_dict(request)
    try:
        gateway.practices.report_adoption_results(adoption_id, load(AdoptionReportInputSchema(), form))
    except (ValidationFailed, Conflict) as error:
        return _adoptions(gateway, request, visitor, status=error.status, reporting={
            "id": adoption_id, "error": error, "typed": form})
    return redirect("/adoptions?done=reported")


def _adoptions(gateway, request, visitor, reporting, status=200):
    """A methodist's city's adoptions (with report forms) and adoptions of its practices by others."""
    city = visitor.identity.municipality if visitor.role == METHODIST else None
    with gateway.read_model() as session:
        ours = adoptions.listing(session, adopter=city, per_page=100)["items"] if city else []
        of_ours = adoptions.listing(session, original=city, per_page=100)["items"] if city else []
        everywhere = [] if city else adoptions.listing(session, per_page=100)["items"]
    return render(request, "adoptions.html", status=status, ours=ours, of_ours=of_ours,
                  everywhere=everywhere, reporting=reporting)


@page("GET", "/network/spread")
def spread_page(gateway, request, visitor):
    with gateway.read_model() as session:
        spread = adoptions.spread(session)
    chart = stacked_bars(
        "Внедрения практик по парам городов: откуда → куда",
        [(f"{pair['from_name']} → {pair['to_name']}",
          {"reported": pair["reported"], "awaiting": pair["adoptions"] - pair["reported"]})
         for pair in spread["city_pairs"]],
        SPREAD_SERIES, label_width=PAIR_LABEL_WIDTH)
    return render(request, "spread.html", spread=spread, chart=chart)
