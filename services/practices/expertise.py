"""Expert rounds: independent reviews of a submitted entry against a rubric.

Two experts are assigned automatically, never of the entry's city nor its author, the least loaded
first; each sees the others' reviews only after submitting their own and once two are in; totals that
differ by more than the threshold bring in a third expert. The decision itself stays the review
workflow's (``review.py``): the round informs it.

A festival jury scores in the same rounds (:func:`open_festival_round`): the published version of an
entered practice, jurors drawn from the festival's jury (``panel``) by the same rule, no decision after.
"""
from sqlalchemy import func, select

from services.practices import rubrics
from services.practices.contract import ROUND_STATUSES, content_schema
from services.practices.models import Entry, ExpertAssignment, ExpertRound, PracticesOutbox
from services.practices.registry import get_entry, working_version
from shared.auth import ADMIN, METHODIST, REVIEWER, ROLES, require_city, require_role
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


def open_festival_round(session, actor, festival, item):
    """The jury round of one festival entry (``item``: ``festival_entry_id``, ``practice_id``, ``rubric``),
    or the one already opened for it: the festivals service may ask again after a failure.

    The festivals service has checked that ``actor`` organises ``festival`` and that its ``panel``
    (``[{username, municipality}]``) holds two jurors not of the entry's city; here a methodist may
    still open rounds of their own city's entries only.
    """
    require_role(actor, METHODIST, REVIEWER, ADMIN)
    query = select(ExpertRound).where(ExpertRound.festival_entry_id == item["festival_entry_id"])
    existing = session.scalars(query).first()
    if existing is not None:
        return existing
    entry = get_entry(session, item["practice_id"], for_update=True)
    if actor.role == METHODIST:
        require_city(actor, entry.municipality, METHODIST)
    if entry.published_version is None:
        raise Conflict("На суд жюри идёт только опубликованная практика", {"practice_id": [str(entry.id)]})
    expert_round = ExpertRound(
        entry_id=entry.id, entry_version=entry.published_version, municipality=entry.municipality,
        rubric=rubrics.latest(session, item["rubric"]), created_by=actor.username, festival_id=festival["id"],
        festival_entry_id=item["festival_entry_id"], festival_title=festival["title"], panel=festival["panel"])
    session.add(expert_round)
    session.flush()
    _assign(session, actor, expert_round, entry, festival["panel"], INDEPENDENT_REVIEWS)
    return expert_round


def withdraw_festival_round(session, actor, festival_entry_id):
    """An entry withdrawn from its festival leaves its jurors' lists (its scores, if any, are kept)."""
    require_role(actor, METHODIST, REVIEWER, ADMIN)
    query = select(ExpertRound).where(ExpertRound.festival_entry_id == festival_entry_id)
    expert_round = session.scalars(query.with_for_update()).first()
    if expert_round is not None:
        if actor.role == METHODIST:
            require_city(actor, expert_round.municipality, METHODIST)
        expert_round.status = "withdrawn"


def submit_review(session, actor, round_id, review, reviewers, threshold):
    """An assigned expert's review; a disagreement beyond ``threshold`` (% of the scale) calls a third.

    ``reviewers()`` lists the pool a third expert comes from (a festival round's is its jury). Being
    assigned is what allows a juror to score: a festival may name accounts that are not reviewers.
    """
    require_role(actor, *ROLES)
    expert_round = get_round(session, round_id, for_update=True)
    festival = expert_round.festival_entry_id is not None
    if not festival:
        require_role(actor, REVIEWER)
    assignment = _assignment_of(expert_round, actor.username)
    if assignment is None:
        raise Forbidden("Вы не назначены экспертом этой записи")
    if assignment.status == "submitted":
        raise Conflict("Ваша рецензия уже подана", {"status": ["submitted"]})
    if expert_round.status == "withdrawn":
        raise Conflict("Заявка отозвана с фестиваля: оценивать её не нужно", {"status": ["withdrawn"]})
    if not festival and review["recommendation"] is None:
        raise ValidationFailed("Выберите рекомендацию", {"recommendation": ["Обязательное поле."]})
    entry = session.get(Entry, expert_round.entry_id)
    assignment.scores = _checked_scores(expert_round.rubric.criteria, review["scores"])
    assignment.field_comments = _checked_field_comments(entry, review["field_comments"])
    assignment.total = weighted_total(expert_round.rubric.criteria, assignment.scores)
    assignment.recommendation = None if festival else review["recommendation"]
    assignment.comment = review["comment"]
    assignment.status, assignment.submitted_at = "submitted", utcnow()
    _settle(session, actor, expert_round, entry, expert_round.panel if festival else reviewers, threshold)
    if festival:
        record(session, PracticesOutbox, "festival_jury_scored", {
            "round_id": expert_round.id, "festival_id": expert_round.festival_id,
            "festival_entry_id": expert_round.festival_entry_id, "entry_id": entry.id,
            "municipality": entry.municipality, "juror": actor.username, "total": assignment.total,
            "scores": assignment.scores, "round_status": expert_round.status, "actor": actor.username})
    else:
        record(session, PracticesOutbox, "expert_review_submitted", {
            "round_id": expert_round.id, "entry_id": entry.id, "municipality": entry.municipality,
            "reviewer": actor.username, "total": assignment.total, "recommendation": assignment.recommendation,
            "actor": actor.username})
    return expert_round


def _settle(session, actor, expert_round, entry, reviewers, threshold):
    submitted = [a for a in expert_round.assignments if a.status == "submitted"]
    if len(submitted) < len(expert_round.assignments):
        return
    totals = [a.total for a in submitted]
    if len(submitted) == INDEPENDENT_REVIEWS and max(totals) - min(totals) > threshold:
        # The second review must not be lost for want of a third expert: the round then waits for one.
        expert_round.status = "third_review"
        _assign(session, actor, expert_round, entry, reviewers() if callable(reviewers) else reviewers, 1,
                required=False)
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
        assigned = {"round_id": expert_round.id, "entry_id": entry.id, "municipality": entry.municipality,
                    "reviewer": reviewer["username"], "actor": actor.username}
        if expert_round.festival_entry_id is None:
            record(session, PracticesOutbox, "expert_assigned", assigned)
        else:
            record(session, PracticesOutbox, "festival_juror_assigned", {
                **assigned, "festival_id": expert_round.festival_id,
                "festival_entry_id": expert_round.festival_entry_id, "festival_title": expert_round.festival_title,
                "entry_title": working_version(entry).content["title"]})
    session.flush()


def _open_load(session, usernames):
    query = (select(ExpertAssignment.reviewer, func.count()).where(
        ExpertAssignment.reviewer.in_(usernames), ExpertAssignment.status == "assigned")
        .group_by(ExpertAssignment.reviewer))
    return dict(session.execute(query).all())


def _current_round(session, entry):
    """The round of the entry's latest submission: a resubmission after changes may go to experts again."""
    query = select(ExpertRound).where(ExpertRound.entry_id == entry.id, ExpertRound.created_at >= entry.submitted_at,
                                      ExpertRound.festival_entry_id.is_(None))
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
    """A round as ``actor`` may see it: the others' reviews only once they are open to them. A juror
    of a festival who is not a reviewer sees the rounds they are assigned to."""
    require_role(actor, *ROLES)
    expert_round = get_round(session, round_id)
    own = _assignment_of(expert_round, actor.username)
    if own is None:
        require_role(actor, REVIEWER, ADMIN)
    entry = session.get(Entry, expert_round.entry_id)
    reason = hidden_reason(expert_round, actor)
    submitted = [a for a in expert_round.assignments if a.status == "submitted"]
    return {
        "id": expert_round.id, "entry_id": entry.id, "entry_version": expert_round.entry_version,
        "entry_title": working_version(entry).content["title"], "municipality": expert_round.municipality,
        "status": expert_round.status, "status_title": ROUND_STATUSES[expert_round.status],
        "created_by": expert_round.created_by, "created_at": expert_round.created_at,
        "rubric": expert_round.rubric, "assignments": expert_round.assignments,
        "festival_id": expert_round.festival_id, "festival_entry_id": expert_round.festival_entry_id,
        "festival_title": expert_round.festival_title or None,
        "my_review": own, "reviews": [] if reason else submitted, "reviews_hidden": reason,
    }


def round_reviews(session, actor, round_id):
    """The submitted reviews, or 403 saying why they are still hidden from ``actor``."""
    view = round_view(session, actor, round_id)
    if view["reviews_hidden"]:
        raise Forbidden(view["reviews_hidden"])
    return view["reviews"]


def my_assignments(session, actor):
    """Rounds ``actor`` is assigned to, the open ones first: a reviewer's, or a festival juror's of any
    role; entries withdrawn from a festival leave the list."""
    require_role(actor, *ROLES)
    query = (select(ExpertAssignment.round_id).join(ExpertRound, ExpertRound.id == ExpertAssignment.round_id)
             .where(ExpertAssignment.reviewer == actor.username, ExpertRound.status != "withdrawn")
             .order_by((ExpertAssignment.status == "submitted"), ExpertAssignment.assigned_at))
    return [round_view(session, actor, round_id) for round_id in session.scalars(query)]


def remarks_for_author(session, actor, entry_id):
    """What the experts asked the author's city to revise, field by field, once both reviews are in.

    The experts are not named: the author answers the remarks, not the people who made them.
    """
    entry = get_entry(session, entry_id)
    require_city(actor, entry.municipality, METHODIST)
    query = (select(ExpertRound).where(ExpertRound.entry_id == entry.id, ExpertRound.festival_entry_id.is_(None))
             .order_by(ExpertRound.id.desc()))
    for expert_round in session.scalars(query):
        submitted = [a for a in expert_round.assignments if a.status == "submitted"]
        if len(submitted) >= INDEPENDENT_REVIEWS:
            return [{"expert": number, "entry_version": expert_round.entry_version, "total": a.total,
                     "recommendation": a.recommendation, "comment": a.comment, "field_comments": a.field_comments}
                    for number, a in enumerate(submitted, start=1)]
    return []
