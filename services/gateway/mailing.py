"""Notifications by e-mail through an SMTP relay, when ``SMTP_HOST`` is set.

Every few seconds each gateway replica takes the recent notifications it has not handled, asks the
catalog who is to get each by e-mail (the catalog hands each recipient out once, so nobody is mailed
twice, whichever replica asks, however often the read model is rebuilt), and sends them. A message that
the relay refuses is logged and not tried again: never twice rather than at least once.
"""
import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage

from nameko import config
from nameko.exceptions import RemoteError
from nameko.timer import timer
from sqlalchemy import insert, select

from services.gateway.models import Notification, NotificationMailing
from shared.config import public_base_url
from shared.errors import NetworkError
from shared.messaging import utcnow

log = logging.getLogger(__name__)
MAIL_EVERY_SECONDS = 2
BATCH = 50
# Notifications older than this are not mailed: turning e-mail on does not send the whole past.
MAX_AGE = timedelta(days=1)


def pending(session):
    handled = select(NotificationMailing.notification_id)
    query = (select(Notification).where(Notification.occurred_at >= utcnow() - MAX_AGE,
                                        Notification.id.not_in(handled))
             .order_by(Notification.occurred_at, Notification.id).limit(BATCH))
    return session.scalars(query).all()


def message(notification, address, settings):
    mail = EmailMessage()
    mail["Subject"] = notification.title
    mail["From"] = settings.get("SMTP_FROM") or "noreply@practice-network.local"
    mail["To"] = address
    base_url = public_base_url(settings)
    mail.set_content(f"{notification.text}\n\n{base_url}{notification.link}\n\n"
                     f"— Сеть практик. Все уведомления: {base_url}/notifications\n")
    return mail


def send(mails, settings):
    with smtplib.SMTP(settings["SMTP_HOST"], int(settings.get("SMTP_PORT") or 25), timeout=10) as relay:
        for mail in mails:
            relay.send_message(mail)


# The gateway's mailer (a timer of every replica; it does nothing unless SMTP_HOST is set).
@timer(interval=MAIL_EVERY_SECONDS)
def mail_notifications(gateway):
    if not config.get("SMTP_HOST"):
        return
    with gateway.read_model() as session:
        notifications = pending(session)
    for notification in notifications:
        _mail(gateway, notification)


def _mail(gateway, notification):
    try:
        recipients = gateway.catalog.claim_notification_recipients(
            {"notification_id": notification.id, "audience": notification.audience})
    except (NetworkError, RemoteError) as refused:  # e.g. another replica claimed it at that moment
        log.warning("notification %s: recipients not claimed: %s", notification.id, refused)
        return
    try:
        send([message(notification, recipient["email"], config) for recipient in recipients], config)
    except (OSError, smtplib.SMTPException) as failure:
        log.error("notification %s: e-mail to %s not sent: %s", notification.id,
                  [recipient["username"] for recipient in recipients], failure)
    with gateway.read_model.begin() as session:
        session.execute(insert(NotificationMailing), {"notification_id": notification.id,
                                                      "handled_at": utcnow()})
