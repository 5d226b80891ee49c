"""Expert workbench pages: an expert round (the assigned expert's review form, then the scores side by
side) and the public verification page a diploma's QR code opens. A festival jury's round shows the
festival, the nomination and the application it scores (a juror gives scores, no recommendation)."""
from services.gateway import views
from services.gateway.web.forms import entry_fields
from services.gateway.web.rendering import page, redirect, render
from services.gateway.web.review_form import empty_review, review_input, score_name, typed_review
from services.practices.contract import RECOMMENDATIONS
from shared.errors import ValidationFailed


@page("GET", "/expertise/<int:round_id>")
def expert_round_page(gateway, request, visitor, round_id):
    return _round_page(gateway, request, round_id)


@page("POST", "/expertise/<int:round_id>/review")
def submit_review_page(gateway, request, visitor, round_id):
    criteria = gateway.practices.get_expert_round(round_id)["rubric"]["criteria"]
    typed = typed_review(request.form, criteria)
    data, errors = review_input(typed)
    if not errors:
        try:
            gateway.practices.submit_expert_review(round_id, data)
            return redirect(f"/expertise/{round_id}?done=reviewed")
        except ValidationFailed as error:
            errors = error.fields
    return _round_page(gateway, request, round_id, typed=typed, errors=errors, status=422)


def _round_page(gateway, request, round_id, typed=None, errors=None, status=200):
    expert_round = gateway.practices.get_expert_round(round_id)
    entry = gateway.practices.get_entry(expert_round["entry_id"])
    fields = entry_fields(entry["kind"])
    with gateway.read_model() as session:
        cities = views.municipality_names(session)
        festival_entry = views.festival_entry(session, expert_round["festival_id"], expert_round["festival_entry_id"])
    return render(request, "expertise_round.html", status=status, round=expert_round, entry=entry,
                  cities=cities, recommendations=RECOMMENDATIONS, comment="", festival_entry=festival_entry,
                  typed=typed or empty_review(expert_round["rubric"]["criteria"]), errors=errors or {},
                  entry_fields=fields, field_labels={f.name: f.label for f in fields}, score_name=score_name)


@page("GET", "/diplomas/<code>")
def diploma_page(gateway, request, visitor, code):
    return render(request, "diploma.html", diploma=gateway.festivals.verify_diploma(code))
