"""One-time codes and links: how a person gets into an account whose password they do not know.

An administrator issues one (a new account, a forgotten password) and hands it over by hand; it is shown
to the administrator once and only its hash is kept. A link carries 256 random bits, so its SHA-256 is
enough and finds it; a code is short enough to dictate, so it is kept as an argon2 hash and its wrong
guesses count towards the sign-in throttle (lockout.py) like wrong passwords. Either works once, until it
expires, and only for setting a new password; issuing another voids the open one.
"""
import hashlib
import secrets
from datetime import timedelta

from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import select

from services.catalog import lockout
from services.catalog.accounts import DISABLED, hasher, set_password
from services.catalog.models import Account, PasswordReset
from shared.auth import ADMIN, require_role
from shared.errors import Conflict, Forbidden, NotFound, Unauthorized
from shared.messaging import utcnow

DEFAULT_HOURS = 72
# No letters that read as digits (O, I, L) or digits that read as letters (0, 1): dictated over the phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10  # ~50 bits: with the throttle, hopeless to guess; short enough to type
WRONG_CODE = "Неверное имя пользователя или одноразовый код, или срок кода истёк"
WRONG_LINK = "Ссылка недействительна: она уже использована, заменена новой или её срок истёк"


def issue(session, actor, username, kind, hours=DEFAULT_HOURS):
    """A new one-time ``code`` or ``link`` for ``username``: ``{"username", "kind", "code"|"token",
    "expires_at"}``, the only time the secret exists outside the hash."""
    require_role(actor, ADMIN)
    account = session.get(Account, username, with_for_update=True)
    if account is None:
        raise NotFound(f"Учётная запись «{username}» не найдена")
    if account.disabled:
        raise Conflict("Учётная запись отключена: сначала включите её", {"username": ["Отключена"]})
    now = utcnow()
    for open_reset in _open_resets(session, username, now):
        open_reset.expires_at = now
    if kind == "code":
        secret = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        secret_hash, shown = hasher.hash(secret), {"code": f"{secret[:4]}-{secret[4:8]}-{secret[8:]}"}
    else:
        secret = secrets.token_urlsafe(32)
        secret_hash, shown = _digest(secret), {"token": secret}
    reset = PasswordReset(username=username, kind=kind, secret_hash=secret_hash, created_by=actor.username,
                          created_at=now, expires_at=now + timedelta(hours=hours))
    session.add(reset)
    return {"username": username, "kind": kind, "expires_at": reset.expires_at, **shown}


def check(sessions, policy, secret):
    """The account a one-time secret (``OneTimeSecretSchema`` data) opens, without using it up: the form
    that asks for the new password comes next. Wrong codes count towards the sign-in throttle."""
    with sessions.begin() as session:
        reset, refusal = _redeemable(session, policy, secret)
        if reset is not None:
            return session.get(Account, reset.username)
    raise refusal  # after the commit: a refused code still counts


def complete(sessions, policy, secret, new_password):
    """Use the secret up and set the new password: the account, signed in at its new token generation."""
    with sessions.begin() as session:
        reset, refusal = _redeemable(session, policy, secret)
        if reset is not None:
            account = session.get(Account, reset.username, with_for_update=True)
            reset.used_at = utcnow()
            return set_password(session, account, new_password, account.username)
    raise refusal


def _redeemable(session, policy, secret):
    """``(reset, None)`` for the open reset of ``secret``, else ``(None, refusal)``: 401 (or 429 when the
    throttle holds); a disabled account 403, told only to whoever holds its secret."""
    if secret["token"] is not None:
        reset = session.scalars(select(PasswordReset).where(
            PasswordReset.secret_hash == _digest(secret["token"]), PasswordReset.kind == "link")).first()
        if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
            return None, Unauthorized(WRONG_LINK, {"token": ["Ссылка недействительна"]})
    else:
        reset = _matching_code(session, secret)
        if reset is None:
            attempt = lockout.subjects(secret["username"], secret["address"])
            return None, (lockout.record_failure(session, attempt, policy)
                          or Unauthorized(WRONG_CODE, {"code": ["Неверный или просроченный код"]}))
    if session.get(Account, reset.username).disabled:
        raise Forbidden(DISABLED)
    return reset, None


def _matching_code(session, secret):
    username, address = secret["username"], secret["address"]
    lockout.refuse_if_locked(session, lockout.subjects(username, address))
    typed = "".join(secret["code"].upper().split()).replace("-", "")
    candidates = _open_resets(session, username, utcnow(), "code")
    if not candidates:
        hasher.hash(typed)  # the time of a real check: nobody learns which accounts have a code open
    for reset in candidates:
        try:
            hasher.verify(reset.secret_hash, typed)
        except (VerifyMismatchError, InvalidHashError):
            continue
        lockout.clear(session, username, address)
        return reset
    return None


def _open_resets(session, username, now, kind=None):
    query = select(PasswordReset).where(PasswordReset.username == username, PasswordReset.used_at.is_(None),
                                        PasswordReset.expires_at > now)
    if kind:
        query = query.where(PasswordReset.kind == kind)
    return session.scalars(query).all()


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()
