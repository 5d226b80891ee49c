"""Sign-in throttling: too many failed attempts for a username, or from one address, lock it for a while.

Counters live in the catalog's database (``login_failures``), so every catalog replica sees the same
attempts. A failure is counted with one upsert that also restarts a window that has run out, so
concurrent failures are never lost. A successful sign-in clears its username's counter but not its
address's: one's own account must not wipe out the failures of guessing at others.
"""
import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from services.catalog.models import LoginFailures
from shared.errors import TooManyRequests
from shared.messaging import utcnow


@dataclass(frozen=True)
class Policy:
    max_failures: int = 5  # per username within the window
    max_failures_per_address: int = 50
    window_seconds: int = 900
    lockout_seconds: int = 900

    @classmethod
    def from_config(cls, config):
        defaults = cls()
        return cls(*(int(config.get(key, getattr(defaults, name))) for key, name in (
            ("LOGIN_MAX_FAILURES", "max_failures"),
            ("LOGIN_MAX_FAILURES_PER_ADDRESS", "max_failures_per_address"),
            ("LOGIN_FAILURE_WINDOW_SECONDS", "window_seconds"),
            ("LOGIN_LOCKOUT_SECONDS", "lockout_seconds"))))

    def limit_of(self, subject):
        return self.max_failures_per_address if subject.startswith("address:") else self.max_failures


def subjects(username, address):
    """The counters one attempt touches: its username's, and its client address's when known."""
    return [f"user:{username.casefold()}"] + ([f"address:{address}"] if address else [])


def refuse_if_locked(session, attempt_subjects):
    """429 with the seconds left when any of ``attempt_subjects`` is locked now."""
    now = utcnow()
    query = select(LoginFailures.locked_until).where(
        LoginFailures.subject.in_(attempt_subjects), LoginFailures.locked_until > now)
    latest = max(session.scalars(query), default=None)
    if latest is not None:
        raise locked(latest - now)


def record_failure(session, attempt_subjects, policy):
    """Count a failed attempt against each subject; lock those that reach their limit.

    Returns the lockout (a TooManyRequests to raise) if this attempt locked any of them, else None.
    """
    now = utcnow()
    locked_any = False
    for subject in attempt_subjects:
        session.execute(_count_failure(session.bind.dialect.name, subject, now, policy.window_seconds))
        row = session.get(LoginFailures, subject, populate_existing=True)
        if row.failures >= policy.limit_of(subject):
            row.locked_until, row.failures, row.window_started_at = (
                now + timedelta(seconds=policy.lockout_seconds), 0, now)
            locked_any = True
    return locked(timedelta(seconds=policy.lockout_seconds)) if locked_any else None


def clear(session, username):
    session.execute(delete(LoginFailures).where(LoginFailures.subject == subjects(username, None)[0]))


def locked(remaining):
    seconds = max(1, math.ceil(remaining.total_seconds()))
    minutes = max(1, math.ceil(seconds / 60))
    return TooManyRequests(
        f"Слишком много неудачных попыток входа. Вход временно заблокирован, повторите через {minutes} мин.",
        {"username": ["Вход временно заблокирован после неудачных попыток"]}, retry_after=seconds)


def _count_failure(dialect_name, subject, now, window_seconds):
    """One statement: a new counter at 1, or +1 within the window, or back to 1 in a new window."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    table = LoginFailures.__table__
    statement = dialect.insert(table).values(subject=subject, failures=1, window_started_at=now)
    expired = table.c.window_started_at < now - timedelta(seconds=window_seconds)
    return statement.on_conflict_do_update(index_elements=[table.c.subject], set_={
        "failures": case((expired, 1), else_=table.c.failures + 1),
        "window_started_at": case((expired, now), else_=table.c.window_started_at),
    })
