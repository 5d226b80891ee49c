"""Signed-out tokens and disabled accounts: every process of the network refuses their tokens.

The catalog records a sign-out and announces ``token_revoked`` through its outbox. Every service and
the gateway (:class:`RefusesRevokedTokens`) receive it on a broadcast queue of their own process, so
each replica learns it, and keep the id in memory (:data:`REVOKED`) where ``shared.auth.verify_token``
looks on every call. A process that was down, or started after the announcement, learns the tokens
still in force from the catalog (``revoked_tokens``) at start and then every ``REVOCATION_SYNC_SECONDS``.

Disabling an account or changing its password raises the account's token generation (the ``gen``
claim every token carries) and announces it (``account_disabled``, ``account_enabled``,
``account_password_changed``) the same way; every process then refuses the account's older tokens
(:data:`ACCOUNTS`), and learns the generations from the catalog (``account_access``) when it starts.
"""
import logging
import threading
from datetime import UTC, datetime

from nameko.events import BROADCAST

from shared.compat import event_handler
from shared.config import every
from shared.errors import NetworkError
from shared.events import open_envelope
from shared.installation import InstallationSettings
from shared.rpc import TimedServiceRpc

log = logging.getLogger(__name__)


class RevocationList:
    """Token ids (``jti``) with the moment each would have expired; expired ids are dropped."""

    def __init__(self):
        self._expiry = {}
        self._lock = threading.Lock()

    def add(self, token_id, expires_at):
        with self._lock:
            self._expiry[token_id] = expires_at

    def __contains__(self, token_id):
        expires_at = self._expiry.get(token_id)
        return expires_at is not None and expires_at > datetime.now(UTC)

    def prune(self):
        now = datetime.now(UTC)
        with self._lock:
            self._expiry = {token_id: at for token_id, at in self._expiry.items() if at > now}


REVOKED = RevocationList()


class AccountAccess:
    """What this process knows of accounts whose access changed: the generation a token must carry to
    be valid (disabling an account or changing its password raises it) and whether it is disabled."""

    def __init__(self):
        self._generation = {}
        self._disabled = set()
        self._lock = threading.Lock()

    def update(self, username, token_generation, disabled):
        with self._lock:
            # Events and the catalog's list may arrive in any order: a generation never goes back.
            self._generation[username] = max(token_generation, self._generation.get(username, 0))
            (self._disabled.add if disabled else self._disabled.discard)(username)

    def outdated(self, username, token_generation):
        """True for a token of ``username`` issued before its account's access last changed."""
        return token_generation < self._generation.get(username, 0)

    def disabled(self, username):
        return username in self._disabled


ACCOUNTS = AccountAccess()


class RefusesRevokedTokens:
    """Mixin of every nameko service: keeps :data:`REVOKED` up to date in this process. It also will
    not start without this installation's own keys (``installation``): every service checks tokens."""

    installation = InstallationSettings()
    revocation_source = TimedServiceRpc("catalog", timeout=5)

    @event_handler("catalog", "token_revoked", handler_type=BROADCAST, reliable_delivery=False)
    def on_token_revoked(self, payload):
        _, data = open_envelope("token_revoked", payload)
        REVOKED.add(data["token_id"], data["expires_at"])

    @event_handler("catalog", "account_disabled", handler_type=BROADCAST, reliable_delivery=False)
    def on_account_disabled(self, payload):
        self._account_access_changed("account_disabled", payload)

    @event_handler("catalog", "account_enabled", handler_type=BROADCAST, reliable_delivery=False)
    def on_account_enabled(self, payload):
        self._account_access_changed("account_enabled", payload)

    @event_handler("catalog", "account_password_changed", handler_type=BROADCAST, reliable_delivery=False)
    def on_account_password_changed(self, payload):
        self._account_access_changed("account_password_changed", payload)

    @staticmethod
    def _account_access_changed(name, payload):
        _, data = open_envelope(name, payload)
        ACCOUNTS.update(data["username"], data["token_generation"], data["disabled"])

    @every("REVOCATION_SYNC_SECONDS", 30, eager=True)
    def sync_revoked_tokens(self):
        try:
            revoked = self.revoked_tokens_in_force()
            accounts = self.account_access_in_force()
        except NetworkError as error:  # the catalog is away: the next round tries again
            log.info("revoked tokens not synchronised: %s", error.message)
            return
        for item in revoked:
            REVOKED.add(item["token_id"], datetime.fromisoformat(item["expires_at"]))
        REVOKED.prune()
        for item in accounts:
            ACCOUNTS.update(item["username"], item["token_generation"], item["disabled"])

    def revoked_tokens_in_force(self):
        """``[{"token_id", "expires_at"}]`` from the catalog (the catalog itself reads its database)."""
        return self.revocation_source.revoked_tokens()

    def account_access_in_force(self):
        """``[{"username", "token_generation", "disabled"}]`` of accounts whose access ever changed."""
        return self.revocation_source.account_access()
