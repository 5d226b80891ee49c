"""Festival forms as an organiser and an applicant type them, turned into the festivals service's input
(services/festivals/contract.py): dates and times are typed in the festival city's zone,
lists one item a line; the service's schemas check the rest."""
from datetime import datetime
from zoneinfo import ZoneInfo

from marshmallow import Schema, fields, validate

from shared.schemas import Day, RecordId, Text, form_number, load

# What an organiser may change on the edit form (FestivalChangeSchema's fields).
FESTIVAL_FIELDS = ("title", "starts_on", "ends_on", "place", "description")


class ProgrammeFormSchema(Schema):
    """A programme item as typed: a day and local times (ProgrammeItemInputSchema wants instants)."""

    title = Text(required=True)
    day = Day(required=True)
    starts_at = fields.Time(required=True)
    ends_at = fields.Time(required=True)
    place = Text(load_default="")
    speaker = Text(load_default="")


class DeadlineFormSchema(Schema):
    """The call's deadline as typed: a day and a local time (CallInputSchema wants an instant)."""

    deadline_day = Day(required=True)
    deadline_time = fields.Time(required=True)


class EntryChoiceSchema(Schema):
    """Which practice an applicant enters, as the form's select sends it."""

    practice_id = RecordId(required=True, error_messages={"required": "Выберите практику из списка."})


class PutForwardSchema(Schema):
    """«Festival id:nomination» of a regional festival's call that a city winner is put forward to."""

    target = Text(required=True, validate=validate.Regexp(r"^\d{1,9}:.+$", error="Выберите фестиваль и номинацию."),
                  error_messages={"required": "Выберите фестиваль и номинацию."})


def filled(form, names):
    """The form's non-empty fields among ``names``: empty optional ones take the schema's defaults."""
    return {name: form[name] for name in names if form.get(name, "").strip()}


def lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def festival_input(form):
    """FestivalInputSchema's input: the nominations typed one a line."""
    data = filled(form, ("title", "kind", *FESTIVAL_FIELDS))
    return {**data, "nominations": [{"title": title} for title in lines(form.get("nominations"))]}


def programme_input(form, timezone):
    """ProgrammeItemInputSchema's input, the times read in the festival's zone ``timezone``."""
    when = load(ProgrammeFormSchema(), filled(form, ("title", "day", "starts_at", "ends_at", "place", "speaker")))
    zone = ZoneInfo(timezone)
    return {"title": when["title"], "place": when["place"], "speaker": when["speaker"],
            "starts_at": datetime.combine(when["day"], when["starts_at"], zone).isoformat(),
            "ends_at": datetime.combine(when["day"], when["ends_at"], zone).isoformat()}


def call_input(form, festival):
    """CallInputSchema's input: the deadline in the festival's zone, the jury's rubric, and per
    nomination the kinds it takes (``kinds-<id>`` checkboxes) and its own rubric (``rubric-<id>``)."""
    when = load(DeadlineFormSchema(), filled(form, ("deadline_day", "deadline_time")))
    deadline = datetime.combine(when["deadline_day"], when["deadline_time"], ZoneInfo(festival["timezone"]))
    return {"deadline": deadline.isoformat(), "rubric": form.get("rubric", "").strip() or None,
            "nominations": [{"title": n["title"], "kinds": form.getlist(f"kinds-{n['id']}"),
                             "rubric": form.get(f"rubric-{n['id']}", "").strip() or None}
                            for n in festival["nominations"]]}


def entry_input(form):
    """EntryInputSchema's input: the chosen practice, the nomination, the application and one link."""
    practice_id = load(EntryChoiceSchema(), {"practice_id": form_number(form["practice_id"])}
                       if form.get("practice_id", "").strip() else {})["practice_id"]
    link = form.get("resource_url", "").strip()
    resources = [{"url": link, "title": form.get("resource_title", "").strip() or "Видео"}] if link else []
    return {"practice_id": practice_id, "nomination": form.get("nomination", ""),
            "application": form.get("application", ""), "resources": resources}


def results_input(form, ranking):
    """ResultsInputSchema's input from the ranking's form: per nomination (``n<index>``) each entry's
    ``place-n<index>-<practice>`` («1», «2», «3», «laureate» or empty) and the ``tie_reason-n<index>``."""
    results = []
    for index, nomination in enumerate(ranking["nominations"]):
        if not nomination["entries"]:
            continue
        places, laureates = [], []
        for entry in nomination["entries"]:
            chosen = form.get(f"place-n{index}-{entry['practice_id']}", "")
            if chosen == "laureate":
                laureates.append(entry["practice_id"])
            elif chosen:
                places.append({"practice_id": entry["practice_id"], "place": form_number(chosen)})
        results.append({"nomination": nomination["nomination"], "places": places, "laureates": laureates,
                        "tie_reason": form.get(f"tie_reason-n{index}", "")})
    return {"results": results}
