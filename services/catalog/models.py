from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.db import UtcDateTime
from shared.messaging import OutboxMixin, utcnow


class CatalogBase(DeclarativeBase):
    """The catalog's own metadata: no other service shares these tables."""


class Municipality(CatalogBase):
    __tablename__ = "municipalities"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(60))
    oktmo: Mapped[str] = mapped_column(String(11), default="")


class Organization(CatalogBase):
    __tablename__ = "organizations"
    __table_args__ = (UniqueConstraint("municipality_code", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))


class Account(CatalogBase):
    __tablename__ = "accounts"

    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipalities.code"))
    full_name: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[str] = mapped_column(String(200), default="")
    # A disabled account cannot sign in; tokens issued before the current generation are refused
    # everywhere (disabling and changing the password raise it: shared/revocation.py).
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    token_generation: Mapped[int] = mapped_column(Integer, default=0)
    # Where notifications are e-mailed (services/catalog/mailing.py); None: not by e-mail.
    email: Mapped[str | None] = mapped_column(String(254))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    # Loaded with the account by a second query: a join would not take the FOR UPDATE of PostgreSQL.
    organization: Mapped[Organization | None] = relationship(lazy="selectin")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class PasswordReset(CatalogBase):
    """A one-time link or code an administrator handed out (accounts.py): only its hash is kept, and it
    works once, before ``expires_at``. A link's secret is long enough for SHA-256; a short code is argon2."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("accounts.username"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "link" | "code"
    # A link's SHA-256 (unique: the link is looked up by it); a code's argon2 hash.
    secret_hash: Mapped[str] = mapped_column(String(200), unique=True)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class RevokedToken(CatalogBase):
    """A signed-out token, kept until it would have expired anyway."""

    __tablename__ = "revoked_tokens"

    token_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    revoked_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CatalogOutbox(OutboxMixin, CatalogBase):
    __tablename__ = "outbox"


class LoginFailures(CatalogBase):
    """Failed sign-ins of one subject (``user:<name>`` or ``address:<ip>``) in the current window.

    Kept in the catalog's database rather than in a process, so that every replica counts the same
    attempts and a lockout holds whichever replica the next attempt reaches.
    """

    __tablename__ = "login_failures"

    subject: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)


class NotificationEmail(CatalogBase):
    """That notification ``notification_id`` was handed out for e-mailing to ``username``: claimed once,
    whichever gateway replica asks, so nobody gets the same notification twice."""

    __tablename__ = "notification_emails"

    notification_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
