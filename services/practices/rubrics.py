"""Review rubrics: criteria with scales and weights, defined by reviewers and versioned by code."""
from sqlalchemy import func, select

from services.practices.models import Rubric
from shared.auth import ADMIN, METHODIST, REVIEWER, require_role
from shared.errors import Conflict, NotFound


def create_rubric(session, actor, data):
    """Version 1 of a new rubric; a code already in use is 409 (edit it instead)."""
    require_role(actor, REVIEWER)
    if latest(session, data["code"], missing_ok=True) is not None:
        raise Conflict("Рубрика с таким кодом уже есть: измените её, чтобы получить новую версию",
                       {"code": ["Уже существует"]})
    return _add(session, actor, data["code"], 1, data)


def revise_rubric(session, actor, code, data):
    """A new version of rubric ``code``; rounds that used earlier versions keep them."""
    require_role(actor, REVIEWER)
    return _add(session, actor, code, latest(session, code).version + 1, data)


def latest(session, code, missing_ok=False):
    query = select(Rubric).where(Rubric.code == code).order_by(Rubric.version.desc()).limit(1)
    rubric = session.scalars(query).first()
    if rubric is None and not missing_ok:
        raise NotFound(f"Рубрики «{code}» нет", {"rubric": ["Нет такой рубрики"]})
    return rubric


def list_rubrics(session, actor):
    """The latest version of every rubric: experts keep them, and a city festival's organiser (a
    methodist) chooses the jury's among them."""
    require_role(actor, METHODIST, REVIEWER, ADMIN)
    newest = select(Rubric.code, func.max(Rubric.version).label("version")).group_by(Rubric.code).subquery()
    query = select(Rubric).join(newest, (Rubric.code == newest.c.code) & (Rubric.version == newest.c.version))
    return session.scalars(query.order_by(Rubric.code)).all()


def _add(session, actor, code, version, data):
    rubric = Rubric(code=code, version=version, title=data["title"], criteria=data["criteria"],
                    created_by=actor.username)
    session.add(rubric)
    session.flush()
    return rubric
