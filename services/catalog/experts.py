"""The pool of experts the practices service assigns reviews from: every reviewer account and its city."""
from sqlalchemy import select

from services.catalog.models import Account
from shared.auth import ADMIN, REVIEWER, require_role


def reviewers(session, actor):
    """``[{username, municipality}]`` of every reviewer whose account is not disabled (municipality None
    for regional experts)."""
    require_role(actor, REVIEWER, ADMIN)
    query = select(Account).where(Account.role == REVIEWER, Account.disabled.is_(False)).order_by(Account.username)
    return [{"username": a.username, "municipality": a.municipality_code} for a in session.scalars(query)]
