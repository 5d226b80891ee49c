"""Expert rounds: independent reviews of a submitted entry against a rubric.

Two experts are assigned automatically, never of the entry's city nor its author, the least loaded
first; each sees the others' reviews only after submitting their own and once two are in; totals that
differ by more than the threshold bring in a third expert. The decision itself stays the review
workflow's (``review.py``): the round informs it.
"""
from sqlalchemy import func, select

from services.practices import rubrics
from services.practices.contract import ROUND_STATUSES, content_schema
from services.practices.models import Entry, ExpertAssignment, ExpertRound, PracticesOutbox
from services.practices.registry import get_entry, working_version
from shared.auth import ADMIN, METHODIST, REVIEWER, require_city, require_role
from shared.db import get_row
from shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from shared.messaging import record, utcnow
from shared.revocation import ACCOUNTS

INDEPENDENT_REVIEWS = 2
OWN_FIRST = "Рецензии других экспертов откроются, когда вы подадите свою"
BOTH_FIRST = "Рецензии откроются, когда будут поданы обе независимые рецензии"


def open_round(session, actor, entry_id, rubric_code, reviewers):
    """A reviewer sends a submitted entry to expert review; ``reviewers`` is the catalog's list of them."""
    require_role(actor, REVIEWER)
    entry = get_entry(session, entry_id, for_update=True)
    if entry.status != "submitted":
        raise Conflict("На экспертизу направляется только запись на рассмотрении", {"status": [entry.status]})
    if _current_round(session, entry) is not None:
        raise Conflict("Эта версия записи уже на экспертизе", {"entry_id": ["Экспертиза уже идёт"]})
    expert_round = ExpertRound(entry_id=entry.id, entry_version=entry.version, municipality=entry.municipality,
                               rubric=rubrics.latest(session, rubric_code), created_by=actor.username)
    session.add(expert_round)
    session.flush()
    _assign(session, actor, expert_round, entry, reviewers, INDEPENDENT_REVIEWS)
    return expert_round


def submit_review(session, actor, round_id, review, reviewers, threshold):
    """An assigned expert's review; a disagreement beyond ``threshold`` (% of the scale) calls a third."""
    require_role(actor, REVIEWER)
    expert_round = get_round(session, round_id, for_update=True)
    assignment = _assignment_of(expert_round, actor.username)
    if assignment is None:
        raise Forbidden("Вы не назначены экспертом этой записи")
    if assignment.status == "submitted":
        raise Conflict("Ваша рецензия уже подана", {"status": ["submitted"]})
    entry = session.get(Entry, expert_round.entry_id)
    assignment.scores = _checked_scores(expert_round.rubric.criteria, review["scores"])
    assignment.field_comments = _checked_field_comments(entry, review["field_comments"])
    assignment.total = weighted_total(expert_round.rubric.criteria, assignment.scores)
    assignment.recommendation, assignment.comment = review["recommendation"], review["comment"]
    assignment.status, assignment.submitted_at = "submitted", utcnow()
    record(session, PracticesOutbox, "expert_review_submitted", {
        "round_id": expert_round.id, "entry_id": entry.id, "municipality": entry.municipality,
        "reviewer": actor.username, "total": assignment.total, "recommendation": assignment.recommendation,
        "actor": actor.username})
    _settle(session, actor, expert_round, entry, reviewers, threshold)
    return expert_round


def _settle(session, actor, expert_round, entry, reviewers, threshold):
    submitted = [a for a in expert_round.assignments if a.status == "submitted"]
    if len(submitted) < len(expert_round.assignments):
        return
    totals = [a.total for a in submitted]
    if len(submitted) == INDEPENDENT_REVIEWS and max(totals) - min(totals) > threshold:
        # The second review must not be lost for want of a third expert: the round then waits for one.
        expert_round.status = "third_review"
        _assign(session, actor, expert_round, entry, reviewers, 1, required=False)
    else:
        expert_round.status = "complete"


def weighted_total(criteria, scores):
    """The weighted mean of the scores as a percentage of each criterion's scale (0–100)."""
    weights = sum(c["weight"] for c in criteria)
    reached = sum(c["weight"] * (scores[c["code"]] - c["min"]) / (c["max"] - c["min"]) for c in criteria)
    return round(100 * reached / weights, 1)


def _checked_scores(criteria, scores):
    errors = {}
    for criterion in criteria:
        score = scores.get(criterion["code"])
        if score is None:
            errors[criterion["code"]] = ["Поставьте балл по этому критерию"]
        elif not criterion["min"] <= score <= criterion["max"]:
            errors[criterion["code"]] = [f"Балл должен быть от {criterion['min']} до {criterion['max']}"]
    for code in set(scores) - {c["code"] for c in criteria}:
        errors[code] = ["Такого критерия нет в рубрике"]
    if errors:
        raise ValidationFailed("Баллы не соответствуют рубрике", {"scores": errors})
    return scores


def _checked_field_comments(entry, comments):
    """Revise-and-resubmit remarks must name fields the entry's kind has."""
    unknown = sorted(set(comments) - set(content_schema(entry.kind)().fields))
    if unknown:
        raise ValidationFailed("Замечания относятся к полям, которых у записи нет",
                               {"field_comments": {name: ["Нет такого поля"] for name in unknown}})
    return comments


def _assign(session, actor, expert_round, entry, reviewers, count, required=True):
    """Assign ``count`` more experts: not of the entry's city, not its authors, not disabled (the catalog
    lists none, and ``account_disabled`` told this process too), least loaded first."""
    excluded = {entry.author, working_version(entry).author} | {a.reviewer for a in expert_round.assignments}
    eligible = [r for r in reviewers
                if r["username"] not in excluded and r["municipality"] != entry.municipality
                and not ACCOUNTS.disabled(r["username"])]
    if required and len(eligible) < count:
        raise Conflict("Не хватает экспертов не из города записи, чтобы назначить независимую экспертизу",
                       {"reviewers": [f"Нужно ещё {count}, доступно {len(eligible)}"]})
    load = _open_load(session, [r["username"] for r in eligible])
    for reviewer in sorted(eligible, key=lambda r: (load.get(r["username"], 0), r["username"]))[:count]:
        expert_round.assignments.append(ExpertAssignment(
            reviewer=reviewer["username"], reviewer_municipality=reviewer["municipality"]))
        record(session, PracticesOutbox, "expert_assigned", {
            "round_id": expert_round.id, "entry_id": entry.id, "municipality": entry.municipality,
            "reviewer": reviewer["username"], "actor": actor.username})
    session.flush()


def _open_load(session, usernames):
    query = (select(ExpertAssignment.reviewer, func.count()).where(
        ExpertAssignment.reviewer.in_(usernames), ExpertAssignment.status == "assigned")
        .group_by(ExpertAssignment.reviewer))
    return dict(session.execute(query).all())


def _current_round(session, entry):
    """The round of the entry's latest submission: a resubmission after changes may go to experts again."""
    query = select(ExpertRound).where(ExpertRound.entry_id == entry.id, ExpertRound.created_at >= entry.submitted_at)
    return session.scalars(query).first()


def _assignment_of(expert_round, username):
    return next((a for a in expert_round.assignments if a.reviewer == username), None)


def get_round(session, round_id, for_update=False):
    return get_row(session, ExpertRound, round_id, NotFound(f"Экспертиза №{round_id} не найдена"), for_update)


def hidden_reason(expert_round, actor):
    """Why ``actor`` may not yet read the others' reviews, or None when they may."""
    own = _assignment_of(expert_round, actor.username)
    if own is not None and own.status != "submitted":
        return OWN_FIRST
    if sum(a.status == "submitted" for a in expert_round.assignments) < INDEPENDENT_REVIEWS:
        return BOTH_FIRST
    return None


def round_view(session, actor, round_id):
    """A round as ``actor`` may see it: the others' reviews only once they are open to them."""
    require_role(actor, REVIEWER, ADMIN)
    expert_round = get_round(session, round_id)
    entry = session.get(Entry, expert_round.entry_id)
    reason = hidden_reason(expert_round, actor)
    own = _assignment_of(expert_round, actor.username)
    submitted = [a for a in expert_round.assignments if a.status == "submitted"]
    return {
        "id": expert_round.id, "entry_id": entry.id, "entry_version": expert_round.entry_version,
        "entry_title": working_version(entry).content["title"], "municipality": expert_round.municipality,
        "status": expert_round.status, "status_title": ROUND_STATUSES[expert_round.status],
        "created_by": expert_round.created_by, "created_at": expert_round.created_at,
        "rubric": expert_round.rubric, "assignments": expert_round.assignments,
        "my_review": own, "reviews": [] if reason else submitted, "reviews_hidden": reason,
    }


def round_reviews(session, actor, round_id):
    """The submitted reviews, or 403 saying why they are still hidden from ``actor``."""
    view = round_view(session, actor, round_id)
    if view["reviews_hidden"]:
        raise Forbidden(view["reviews_hidden"])
    return view["reviews"]


def my_assignments(session, actor):
    """Rounds ``actor`` is assigned to, the open ones first."""
    require_role(actor, REVIEWER)
    query = (select(ExpertAssignment.round_id).where(ExpertAssignment.reviewer == actor.username)
             .order_by((ExpertAssignment.status == "submitted"), ExpertAssignment.assigned_at))
    return [round_view(session, actor, round_id) for round_id in session.scalars(query)]


def remarks_for_author(session, actor, entry_id):
    """What the experts asked the author's city to revise, field by field, once both reviews are in.

    The experts are not named: the author answers the remarks, not the people who made them.
    """
    entry = get_entry(session, entry_id)
    require_city(actor, entry.municipality, METHODIST)
    query = select(ExpertRound).where(ExpertRound.entry_id == entry.id).order_by(ExpertRound.id.desc())
    for expert_round in session.scalars(query):
        submitted = [a for a in expert_round.assignments if a.status == "submitted"]
        if len(submitted) >= INDEPENDENT_REVIEWS:
            return [{"expert": number, "entry_version": expert_round.entry_version, "total": a.total,
                     "recommendation": a.recommendation, "comment": a.comment, "field_comments": a.field_comments}
                    for number, a in enumerate(submitted, start=1)]
    return []
