"""An expert's review form: built from the round's rubric version, posted as ReviewInputSchema's input.

The service checks the scores against the rubric and the remarks against the entry's fields; this
module only turns the posted strings into that input and keeps what was typed to show it again.
"""
from shared.schemas import form_numbers

REMARK_ROWS = 3  # rows for remarks tied to entry fields; more remarks go into the comment


def score_name(code):
    return f"score-{code}"


def typed_review(form, criteria):
    """What the expert typed, to show it again beside the errors."""
    return {
        "scores": {c["code"]: form.get(score_name(c["code"]), "") for c in criteria},
        "recommendation": form.get("recommendation", ""),
        "comment": form.get("comment", ""),
        "remarks": [(form.get(f"remark-field-{n}", ""), form.get(f"remark-text-{n}", ""))
                    for n in range(REMARK_ROWS)],
    }


def empty_review(criteria):
    return {"scores": {c["code"]: "" for c in criteria}, "recommendation": "", "comment": "",
            "remarks": [("", "")] * REMARK_ROWS}


def review_input(typed):
    """``(data, errors)``: ReviewInputSchema's input, or the rows whose remark names no field.

    An empty score is left out so that the service names the criterion still without a score.
    """
    scores = form_numbers({code: value.strip() for code, value in typed["scores"].items() if value.strip()},
                          typed["scores"])
    field_comments, errors = {}, {}
    for row, (field, text) in enumerate(typed["remarks"]):
        if text.strip() and not field:
            errors[row] = ["Выберите поле записи, к которому относится замечание"]
        elif text.strip():
            shown = field_comments.get(field)
            field_comments[field] = f"{shown}\n{text.strip()}" if shown else text.strip()
    data = {"scores": scores, "comment": typed["comment"].strip(), "field_comments": field_comments}
    if typed["recommendation"]:  # a jury's form has none; a registry round's service names it missing
        data["recommendation"] = typed["recommendation"]
    return data, ({"remarks": errors} if errors else {})
