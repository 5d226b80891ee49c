"""The pool of experts the practices service assigns reviews from: every reviewer account and its city."""
from sqlalchemy import select

from services.catalog.models import Account
from shared.auth import ADMIN, METHODIST, REVIEWER, require_role
from shared.errors import ValidationFailed


def reviewers(session, actor):
    """``[{username, municipality}]`` of every reviewer whose account is not disabled (municipality None
    for regional experts)."""
    require_role(actor, REVIEWER, ADMIN)
    query = select(Account).where(Account.role == REVIEWER, Account.disabled.is_(False)).order_by(Account.username)
    return [{"username": a.username, "municipality": a.municipality_code} for a in session.scalars(query)]


def jury_candidates(session, actor, usernames):
    """``[{username, municipality, full_name}]`` of the accounts a festival's organiser names to its jury:
    experts, methodists or administrators, not disabled; any other name is 422 naming it."""
    require_role(actor, METHODIST, REVIEWER, ADMIN)
    query = select(Account).where(Account.username.in_(usernames), Account.disabled.is_(False),
                                  Account.role.in_((METHODIST, REVIEWER, ADMIN)))
    found = {a.username: a for a in session.scalars(query)}
    unknown = [name for name in usernames if name not in found]
    if unknown:
        raise ValidationFailed("В жюри можно назначить эксперта, методиста или администратора с действующей "
                               "учётной записью", {"jurors": [f"Нет такой учётной записи: {name}" for name in unknown]})
    return [{"username": name, "municipality": found[name].municipality_code, "full_name": found[name].full_name}
            for name in usernames]
