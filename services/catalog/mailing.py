"""Who gets a notification by e-mail: the catalog knows the accounts and their addresses, and hands each
(notification, account) out once, whichever gateway replica asks and however often."""
from sqlalchemy import select

from services.catalog.models import Account, NotificationEmail
from shared.auth import METHODIST


def claim_recipients(session, notification_id, audience):
    """``[{username, email}]`` of the accounts of ``audience`` (``user:<name>`` or ``methodists:<city>``)
    with an address that were not handed this notification before; they are claimed in this transaction."""
    kind, _, value = audience.partition(":")
    query = select(Account).where(Account.email.is_not(None)).order_by(Account.username)
    if kind == "user":
        query = query.where(Account.username == value)
    elif kind == "methodists":
        query = query.where(Account.role == METHODIST, Account.municipality_code == value)
    else:
        return []
    recipients = []
    for account in session.scalars(query):
        if session.get(NotificationEmail, (notification_id, account.username)) is None:
            session.add(NotificationEmail(notification_id=notification_id, username=account.username))
            recipients.append({"username": account.username, "email": account.email})
    return recipients
