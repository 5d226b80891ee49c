"""Sign-in throttling that an attacker cannot turn into a lock-out of the rightful user.

Failures are counted per subject within a window:

- ``pair:<address>|<username>``: failed passwords for one username from one client address. At
  ``max_failures`` that pair is locked for ``lockout_seconds`` (429 even for the right password): the
  guesser is stopped, the rightful user signing in from anywhere else is not.
- ``user:<username>``: failures for the username from every address. Never a long lock, only a
  slowdown: from ``slowdown_after`` failures on, each further one makes the username wait a delay that
  doubles up to ``slowdown_max_seconds`` (429 with Retry-After of a few seconds), so guessing from
  many addresses crawls while the rightful user waits seconds at most.
- ``address:<ip>``: failures from one address for any username. At ``max_failures_per_address`` the
  address is locked for ``lockout_seconds`` (one client guessing at many accounts).

Counters live in the catalog's database (``login_failures``), so every catalog replica sees the same
attempts. A failure is counted with one upsert that also restarts a window that has run out, so
concurrent failures are never lost. A successful sign-in clears its pair's and its username's counters
but not its address's: one's own account must not wipe out the failures of guessing at others.
"""
import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from services.catalog.models import LoginFailures
from shared.errors import TooManyRequests
from shared.messaging import utcnow

PAIR, USER, ADDRESS = "pair:", "user:", "address:"


@dataclass(frozen=True)
class Policy:
    max_failures: int = 5  # per username from one address within the window: then that pair is locked
    max_failures_per_address: int = 50
    window_seconds: int = 900
    lockout_seconds: int = 900
    slowdown_after: int = 10  # per username from all addresses: then a growing delay, never a lock
    slowdown_max_seconds: int = 8

    @classmethod
    def from_config(cls, config):
        defaults = cls()
        return cls(*(int(config.get(key, getattr(defaults, name))) for key, name in (
            ("LOGIN_MAX_FAILURES", "max_failures"),
            ("LOGIN_MAX_FAILURES_PER_ADDRESS", "max_failures_per_address"),
            ("LOGIN_FAILURE_WINDOW_SECONDS", "window_seconds"),
            ("LOGIN_LOCKOUT_SECONDS", "lockout_seconds"),
            ("LOGIN_SLOWDOWN_AFTER_FAILURES", "slowdown_after"),
            ("LOGIN_SLOWDOWN_MAX_SECONDS", "slowdown_max_seconds"))))

    def hold_after(self, subject, failures):
        """How long ``subject`` is held after its ``failures``-th failure (None: not held)."""
        if subject.startswith(USER):
            if failures < self.slowdown_after:
                return None
            return timedelta(seconds=min(self.slowdown_max_seconds, 2 ** (failures - self.slowdown_after)))
        limit = self.max_failures_per_address if subject.startswith(ADDRESS) else self.max_failures
        return timedelta(seconds=self.lockout_seconds) if failures >= limit else None


def subjects(username, address):
    """The counters one attempt touches: its pair's, its username's, and its address's when known."""
    name = username.casefold()
    return [f"{PAIR}{address or '-'}|{name}", f"{USER}{name}"] + ([f"{ADDRESS}{address}"] if address else [])


def refuse_if_locked(session, attempt_subjects):
    """429 with the seconds left when any of ``attempt_subjects`` is held now."""
    now = utcnow()
    query = select(LoginFailures.subject, LoginFailures.locked_until).where(
        LoginFailures.subject.in_(attempt_subjects), LoginFailures.locked_until > now)
    held = session.execute(query).all()
    if held:
        subject, until = max(held, key=lambda row: row.locked_until)
        raise refusal(subject, until - now)


def record_failure(session, attempt_subjects, policy):
    """Count a failed attempt against each subject; hold those that reach their limit.

    Returns the refusal (a TooManyRequests to raise) if this attempt locked a pair or an address,
    else None: a username's slowdown applies from its next attempt, this one is answered as wrong.
    """
    now = utcnow()
    lockout = None
    for subject in attempt_subjects:
        session.execute(_count_failure(session.bind.dialect.name, subject, now, policy.window_seconds))
        row = session.get(LoginFailures, subject, populate_existing=True)
        hold = policy.hold_after(subject, row.failures)
        if hold is None:
            continue
        row.locked_until = now + hold
        if not subject.startswith(USER):
            row.failures, row.window_started_at = 0, now
            lockout = refusal(subject, hold)
    return lockout


def clear(session, username, address):
    """A successful sign-in: its pair and its username start again (its address does not)."""
    session.execute(delete(LoginFailures).where(LoginFailures.subject.in_(subjects(username, address)[:2])))


def refusal(subject, remaining):
    seconds = max(1, math.ceil(remaining.total_seconds()))
    if subject.startswith(USER):
        return TooManyRequests(
            f"Слишком много неудачных попыток входа под этим именем. Повторите через {seconds} с.",
            {"username": ["Вход замедлен после неудачных попыток"]}, retry_after=seconds)
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
