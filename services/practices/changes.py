"""What the reviewer asked and what the author changed since: the latest decision's comment, and a
field-by-field comparison of the content returned for changes with the current working version."""
from sqlalchemy import select

from services.practices.models import EntryTransition
from services.practices.registry import get_visible_entry, sees_working_copy, working_version
from shared.errors import Forbidden

# A decision that sends the entry back to its author with a comment.
DECISIONS = ("changes_requested", "rejected")


def diff_content(before, after):
    """``[{"field", "before", "after"}]`` of the fields whose values differ, in ``after``'s order and
    then the fields only ``before`` had; a field missing on one side counts as None there."""
    names = [*after, *(name for name in before if name not in after)]
    return [{"field": name, "before": before.get(name), "after": after.get(name)}
            for name in names if before.get(name) != after.get(name)]


def review_context(session, actor, entry_id):
    """``{"decision", "returned"}`` for those who see the working copy (its city, reviewers, admins).

    ``decision``: the latest «return for changes» or «reject» line (its comment is what the author
    answers); ``returned``: when the entry was last returned and not published since, that version
    number with the changes made after it (``changes``, from :func:`diff_content`).
    """
    entry = get_visible_entry(session, actor, entry_id)
    if not sees_working_copy(actor, entry):
        raise Forbidden("Замечания рецензента видят только город автора и эксперты")
    query = (select(EntryTransition).where(EntryTransition.entry_id == entry.id,
                                           EntryTransition.action.in_((*DECISIONS, "approved")))
             .order_by(EntryTransition.id.desc()))
    lines = session.scalars(query).all()
    decision = next((line for line in lines if line.action in DECISIONS), None)
    latest = lines[0] if lines else None
    returned = None
    if latest is not None and latest.action == "changes_requested" and latest.content is not None:
        returned = {"version": latest.version, "at": latest.at,
                    "changes": diff_content(latest.content, working_version(entry).content)}
    return {"decision": decision, "returned": returned}
