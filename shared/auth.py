"""Who is calling: signed access tokens and the identity every service re-checks.

The gateway issues a token after the catalog has checked the password. The raw token then travels in
the nameko call context (``auth_token``) on every RPC, and each service verifies it itself with
:class:`CurrentIdentity`, so a service never trusts a caller merely for having reached it.
"""
import functools
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import jwt
from nameko import config
from nameko.constants import AUTH_TOKEN_CONTEXT_KEY
from nameko.extensions import DependencyProvider

from shared.errors import Forbidden, Unauthorized
from shared.revocation import ACCOUNTS, REVOKED

METHODIST, REVIEWER, SCHOOL, ADMIN = "methodist", "reviewer", "school", "admin"
ROLES = (METHODIST, REVIEWER, SCHOOL, ADMIN)
ROLE_TITLES = {METHODIST: "Методист муниципалитета", REVIEWER: "Эксперт", SCHOOL: "Школа", ADMIN: "Администратор"}
CITY_BOUND_ROLES = (METHODIST, SCHOOL)
ALGORITHM = "HS256"
SIGNED_OUT = "Токен отозван: вы вышли из системы. Войдите снова"
EXPIRED = "Срок действия токена истёк, войдите снова"
ACCESS_CHANGED = "Токен больше не действует: учётная запись отключена или её пароль изменён. Войдите снова"


@dataclass(frozen=True)
class Identity:
    username: str
    role: str
    municipality: str | None = None

    def as_dict(self):
        return asdict(self)


def issue_token(identity, secret, ttl_seconds, generation=0):
    """A signed token; ``generation`` is the account's token generation (see shared/revocation.py)."""
    now = int(time.time())
    claims = {**identity.as_dict(), "sub": identity.username, "iat": now, "exp": now + ttl_seconds,
              "jti": uuid.uuid4().hex, "gen": generation}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify_claims(token, secret):
    """The claims of a valid token that has not been revoked; 401 otherwise."""
    claims = _signed_claims(token, secret)
    _refuse_withdrawn(claims)
    return claims


def _refuse_withdrawn(claims):
    """401 for a signed-out token, or one of an account disabled or re-passworded since it was issued."""
    if claims.get("jti") in REVOKED:
        raise Unauthorized(SIGNED_OUT)
    generation, username = claims.get("gen", 0), claims.get("sub")
    if isinstance(generation, int) and isinstance(username, str) and ACCOUNTS.outdated(username, generation):
        raise Unauthorized(ACCESS_CHANGED)


def _signed_claims(token, secret):
    try:
        claims = _verified_signature(token, secret)
    except jwt.ExpiredSignatureError:
        raise Unauthorized(EXPIRED) from None
    except jwt.InvalidTokenError:
        raise Unauthorized("Недействительный токен доступа") from None
    if claims["exp"] <= time.time():  # a token verified while valid may have expired since
        raise Unauthorized(EXPIRED)
    return dict(claims)  # the cached claims stay as they were signed, whatever a caller does with these


@functools.lru_cache(maxsize=4096)
def _verified_signature(token, secret):
    """The claims of a well-signed token. Every request is checked at the gateway and again in the
    service it reaches, with the same few tokens over and over: their signatures are checked once
    (failures are not cached). Expiry and revocation are checked on every call."""
    return jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "jti"]})


def verify_token(token, secret):
    claims = verify_claims(token, secret)
    return Identity(claims["sub"], claims["role"], claims.get("municipality"))


def revoke_here(token, secret):
    """Refuse ``token`` in this process at once (the catalog's announcement reaches the others, and
    may reach this process first: the token may already be on the list)."""
    claims = _signed_claims(token, secret)
    REVOKED.add(claims["jti"], datetime.fromtimestamp(claims["exp"], UTC))


def refuse_if_revoked(token):
    """401 for a token known to be revoked, checked without the secret (its signature is checked later)."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return
    if isinstance(claims, dict) and isinstance(claims.get("jti", ""), str):
        _refuse_withdrawn(claims)


def require_role(identity, *roles):
    """The caller must be signed in and hold one of ``roles``."""
    if identity is None:
        raise Unauthorized("Нужно войти в систему")
    if identity.role not in roles:
        raise Forbidden("Недостаточно прав для этого действия")
    return identity


def require_city(identity, municipality, *roles):
    """The caller must hold one of ``roles`` and belong to ``municipality``."""
    require_role(identity, *roles)
    if identity.municipality != municipality:
        raise Forbidden("Можно изменять только записи своего муниципалитета")
    return identity


class CurrentToken(DependencyProvider):
    """A function returning the verified claims of this worker's caller's token, or None for a guest."""

    def get_dependency(self, worker_ctx):
        token = worker_ctx.data.get(AUTH_TOKEN_CONTEXT_KEY)

        def current_claims():
            return verify_claims(token, config["JWT_SECRET"]) if token else None

        return current_claims


class CurrentIdentity(DependencyProvider):
    """A function returning the verified identity of this worker's caller, or None for a guest.

    Verification is deferred to the call so that a bad token becomes a 401 raised inside the
    entrypoint (and sent back over RPC) rather than a failure while the worker is being set up.
    """

    def get_dependency(self, worker_ctx):
        token = worker_ctx.data.get(AUTH_TOKEN_CONTEXT_KEY)

        def current_identity():
            return verify_token(token, config["JWT_SECRET"]) if token else None

        return current_identity
