"""A methodist's entry forms (built from the kind's schema) and every review transition of an entry."""
from services.gateway import views
from services.gateway.endpoints.registry import ACTIONS
from services.gateway.web.display import shown_value
from services.gateway.web.forms import entry_fields, entry_input, form_revisions, typed_values
from services.gateway.web.rendering import AUTHORS, AUTHORS_ONLY, only_for, page, redirect, render
from services.practices.contract import TransitionInputSchema
from shared.auth import ADMIN, METHODIST, REVIEWER
from shared.errors import NotFound, PreconditionFailed, ValidationFailed
from shared.plugins import entry_kinds
from shared.schemas import load

# States in which the author is answering the latest decision (after resubmitting, it is answered).
ANSWERING = ("changes_requested", "rejected")


def shown_values(entry, fields):
    """An entry's stored content as the form shows it (lists as comma-separated text)."""
    return {f.name: [str(v) for v in entry.get(f.name) or []] if f.widget == "checks"
            else ", ".join(entry.get(f.name) or []) if f.widget == "list"
            else entry.get(f.name, "") for f in fields}


def author_notes(practices, entry, visitor):
    """What the author's city is asked to change: the latest reviewer decision with its comment (while
    the entry still answers it) and the expert remarks, ``{field: [text]}`` plus general comments.
    Empty for everyone else (others do not see review comments)."""
    if not may_author(visitor, entry):
        return {}
    context = practices.review_context(entry["id"])
    decision = context["decision"] if entry["status"] in ANSWERING else None
    remarks, general = {}, []
    for remark in practices.expert_remarks(entry["id"]):
        for name, text in (remark.get("field_comments") or {}).items():
            remarks.setdefault(name, []).append(text)
        if remark.get("comment"):
            general.append(remark["comment"])
    return {"decision": decision, "remarks": remarks, "general": general}


def may_author(visitor, entry):
    """Whether ``visitor`` is a methodist of the entry's city, who drafts, edits and submits it."""
    return bool(visitor and visitor.role == METHODIST and visitor.identity
                and visitor.identity.municipality == entry["municipality"])


def sees_working_copy(visitor, entry):
    """Whether the practices service shows ``visitor`` the entry's working copy rather than its public
    view: its city's methodists, the experts and administrators (``sees_working_copy`` in
    services/practices/registry.py). Their entry page asks that service; everyone else's is the public
    view from the read model. Only a choice of where to read: what each sees is still the owner's rule."""
    identity = visitor.identity if visitor else None
    if identity is None:
        return False
    return identity.role in (REVIEWER, ADMIN) or may_author(visitor, entry)


@page("GET", "/entries/new")
def new_entry_page(gateway, request, visitor):
    only_for(visitor, AUTHORS, AUTHORS_ONLY)
    kind = _kind(request.args.get("kind", ""))
    return _entry_form(gateway, request, kind, typed={}, errors={})


@page("POST", "/entries/new")
def create_entry_page(gateway, request, visitor):
    only_for(visitor, AUTHORS, AUTHORS_ONLY)
    kind = _kind(request.form.get("kind", ""))
    data, errors = entry_input(kind, request.form)
    if not errors:
        try:
            created = gateway.practices.create_entry({"kind": kind, **data})
            return redirect(f"/practices/{created['id']}?done=created")
        except ValidationFailed as error:
            errors = error.fields
    return _entry_form(gateway, request, kind, typed=typed_values(kind, request.form), errors=errors, status=422)


@page("GET", "/entries/<int:entry_id>/edit")
def edit_entry_page(gateway, request, visitor, entry_id):
    only_for(visitor, AUTHORS, AUTHORS_ONLY)
    entry = gateway.practices.get_entry(entry_id)
    typed = shown_values(entry, entry_fields(entry["kind"]))
    return _entry_form(gateway, request, entry["kind"], typed=typed, errors={}, entry=entry, revision=entry["revision"])


@page("POST", "/entries/<int:entry_id>/edit")
def save_entry_page(gateway, request, visitor, entry_id):
    """Save the edit, unless someone changed the entry since the form was opened: then the form comes
    back with what was typed, saying so, and carries the current revision, so that saving it again
    knowingly replaces the other change."""
    entry = gateway.practices.get_entry(entry_id)
    expected = form_revisions(request.form)
    data, errors = entry_input(entry["kind"], request.form)
    typed = typed_values(entry["kind"], request.form)
    if not errors:
        try:
            gateway.practices.edit_entry(entry_id, data, expected_revisions=expected)
            return redirect(f"/practices/{entry_id}?done=saved")
        except ValidationFailed as error:
            errors = error.fields
        except PreconditionFailed as error:
            current = gateway.practices.get_entry(entry_id)
            return _entry_form(gateway, request, current["kind"], typed=typed, errors={}, entry=current,
                                    revision=current["revision"], stale=True, status=error.status)
    return _entry_form(gateway, request, entry["kind"], typed=typed, errors=errors, entry=entry,
                            revision=expected[0] if expected else None, status=422)


def _entry_form(gateway, request, kind, typed, errors, entry=None, revision=None, stale=False, status=200):
    notes = author_notes(gateway.practices, entry, request.visitor) if entry else {}
    return render(request, "entry_form.html", status=status, kind=kind, kind_title=entry_kinds()[kind].title,
                  fields=entry_fields(kind), typed=typed, errors=errors, entry=entry, revision=revision,
                  stale=stale, notes=notes)


@page("POST", f"/entries/<int:entry_id>/<any({ACTIONS}):action>")
def transition_page(gateway, request, visitor, entry_id, action):
    comment = request.form.get("comment", "")
    try:
        gateway.practices.transition(entry_id, action, load(TransitionInputSchema(), {"comment": comment}))
    except ValidationFailed as error:
        if visitor.role != REVIEWER:
            raise
        return _review(gateway, request, entry_id, errors=error.fields, comment=comment, status=error.status)
    if request.form.get("return_to") == "entry":  # sent from the entry page: the author stays there
        return redirect(f"/practices/{entry_id}?done={action}")
    return redirect(f"/cabinet?done={action}")


@page("GET", "/review/<int:entry_id>")
def review_page(gateway, request, visitor, entry_id):
    return _review(gateway, request, entry_id, errors={}, comment="")


def _review(gateway, request, entry_id, errors, comment, status=200):
    entry = gateway.practices.get_entry(entry_id)
    fields = entry_fields(entry["kind"])
    labels = {f.name: f.label for f in fields}
    context = gateway.practices.review_context(entry_id)
    with gateway.read_model() as session:
        published = views.published_entry(session, entry_id)
        city = views.municipality_name(session, entry["municipality"])
        resources = views.practice_resources(session, entry_id)
    kind = entry["kind"]
    rows = [(f.label, shown_value(kind, f.name, published.get(f.name)) if published else None,
             shown_value(kind, f.name, entry.get(f.name))) for f in fields]
    returned = context["returned"]
    if returned:
        returned["rows"] = [(labels.get(c["field"], c["field"]), shown_value(kind, c["field"], c["before"]),
                             shown_value(kind, c["field"], c["after"])) for c in returned["changes"]]
    plugin = entry_kinds()[kind]
    sessions = gateway.practices.list_sessions(entry_id) if plugin.has_sessions else []
    return render(request, "review.html", status=status, entry=entry, city=city, published=published,
                  rows=rows, returned=returned, decision=context["decision"], errors=errors, comment=comment,
                  sessions=sessions, has_sessions=plugin.has_sessions, resources=resources,
                  history=gateway.practices.history(entry_id))

def _kind(name):
    if name not in entry_kinds():
        raise NotFound(f"Вида записей «{name}» нет")
    return name

