"""Signing out: the presented token is revoked in the catalog and announced to every service."""
from datetime import UTC, datetime

from sqlalchemy import delete, select

from services.catalog.models import CatalogOutbox, RevokedToken
from shared.errors import Unauthorized
from shared.messaging import record, utcnow


def revoke(session, claims):
    """Revoke the token with ``claims`` (already verified); signing out twice changes nothing."""
    if claims is None:
        raise Unauthorized("Нужно войти в систему")
    session.execute(delete(RevokedToken).where(RevokedToken.expires_at <= utcnow()))
    if session.get(RevokedToken, claims["jti"]) is not None:
        return
    expires_at = datetime.fromtimestamp(claims["exp"], UTC)
    session.add(RevokedToken(token_id=claims["jti"], username=claims["sub"], expires_at=expires_at))
    record(session, CatalogOutbox, "token_revoked",
           {"token_id": claims["jti"], "username": claims["sub"], "expires_at": expires_at.isoformat()})


def in_force(session):
    """Revoked tokens that have not expired yet."""
    return session.scalars(select(RevokedToken).where(RevokedToken.expires_at > utcnow())).all()
