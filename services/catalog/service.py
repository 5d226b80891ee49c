from nameko import config

from services.catalog import accounts, directory, experts, lockout, mailing, resets, signout
from services.catalog.contract import (
    AccountQuery,
    AccountSchema,
    ClientAddressSchema,
    MunicipalityPluginSchema,
    MunicipalitySchema,
    NewAccountSchema,
    NewOrganizationSchema,
    OneTimeSecretSchema,
    OrganizationQuery,
    OrganizationSchema,
    PasswordChangeSchema,
    PasswordResetCompletionSchema,
    PasswordResetRequestSchema,
    PasswordResetSchema,
)
from services.catalog.models import CatalogOutbox
from services.catalog.schemas import (
    AccountAccessSchema,
    NotificationClaimSchema,
    RevokedTokenSchema,
    SignedInSchema,
    SignInSchema,
)
from shared.auth import CurrentIdentity, CurrentToken
from shared.db import Database
from shared.errors import NetworkError
from shared.schemas import load, page_of
from shared.service import OwningService, rpc


class CatalogService(OwningService):
    name = "catalog"
    outbox_model = CatalogOutbox
    # The catalog keeps the revoked tokens and account access itself (*_in_force): no RPC client to itself.
    revocation_source = None

    db = Database("catalog", on_start=directory.register_installed_municipalities)
    identity = CurrentIdentity()
    token = CurrentToken()


    # shared/service.py: what every owning service answers and runs
    ping = OwningService.ping  # rpc: /health asks it
    replay_events = OwningService.replay_events  # rpc: this service's outbox read as an event log
    replay_index = OwningService.replay_index  # rpc: the same log's positions, ids and types
    relay_outbox = OwningService.relay_outbox  # timer(interval=OUTBOX_RELAY_INTERVAL): outbox → RabbitMQ

    # shared/revocation.py: signed-out tokens and disabled accounts, learnt by this process itself
    on_token_revoked = OwningService.on_token_revoked  # event catalog.token_revoked (broadcast)
    on_account_disabled = OwningService.on_account_disabled  # event catalog.account_disabled (broadcast)
    on_account_enabled = OwningService.on_account_enabled  # event catalog.account_enabled (broadcast)
    on_account_password_changed = OwningService.on_account_password_changed  # event (broadcast)
    sync_revoked_tokens = OwningService.sync_revoked_tokens  # timer(interval=REVOCATION_SYNC_SECONDS)

    @rpc(expected_exceptions=NetworkError)
    def list_municipalities(self):
        with self.db() as session:
            return MunicipalitySchema(many=True).dump(directory.list_municipalities(session))

    @rpc(expected_exceptions=NetworkError)
    def get_municipality(self, code):
        with self.db() as session:
            return MunicipalitySchema().dump(directory.get_municipality(session, code))

    @rpc(expected_exceptions=NetworkError)
    def list_organizations(self, query):
        query = load(OrganizationQuery(), query)
        with self.db() as session:
            items, total = directory.list_organizations(session, **query)
            return page_of(OrganizationSchema(many=True).dump(items), total,
                           query["page"], query["per_page"])

    @rpc(expected_exceptions=NetworkError)
    def add_organization(self, data):
        """An organisation the city's plugin does not list (administrator); ``organization_registered``."""
        data = load(NewOrganizationSchema(), data)
        with self.db.begin() as session:
            return OrganizationSchema().dump(directory.add_organization(session, self.identity(), data))

    @rpc(expected_exceptions=NetworkError)
    def municipality_plugins(self):
        """Registered municipalities with their installed plugins (administrator)."""
        with self.db() as session:
            return MunicipalityPluginSchema(many=True).dump(directory.municipality_plugins(session, self.identity()))

    @rpc(expected_exceptions=NetworkError)
    def authenticate(self, credentials):
        """The account of valid credentials with its token generation; 401 if wrong, 403 if disabled,
        429 while throttled (lockout.py)."""
        credentials = load(SignInSchema(), credentials)
        return SignedInSchema().dump(accounts.sign_in(self.db, lockout.Policy.from_config(config), **credentials))

    @rpc(expected_exceptions=NetworkError)
    def create_account(self, data):
        data = load(NewAccountSchema(), data)
        with self.db.begin() as session:
            return AccountSchema().dump(accounts.create_account(session, self.identity(), data))

    @rpc(expected_exceptions=NetworkError)
    def list_accounts(self, query):
        query = load(AccountQuery(), query)
        with self.db() as session:
            items, total = accounts.list_accounts(session, self.identity(), **query)
            return page_of(AccountSchema(many=True).dump(items), total, query["page"], query["per_page"])

    @rpc(expected_exceptions=NetworkError)
    def set_account_disabled(self, username, disabled):
        """Disable (``account_disabled``: its tokens stop working everywhere) or re-enable an account."""
        with self.db.begin() as session:
            return AccountSchema().dump(accounts.set_disabled(session, self.identity(), username, bool(disabled)))

    @rpc(expected_exceptions=NetworkError)
    def change_password(self, data):
        """The caller's new password; returns the account with its new token generation."""
        data = load(PasswordChangeSchema(), data)
        with self.db.begin() as session:
            return SignedInSchema().dump(accounts.change_password(session, self.identity(), **data))

    @rpc(expected_exceptions=NetworkError)
    def issue_password_reset(self, username, data):
        """A one-time code or link for ``username`` (administrator), returned this once."""
        data = load(PasswordResetRequestSchema(), data)
        hours = int(config.get("PASSWORD_RESET_HOURS", resets.DEFAULT_HOURS))
        with self.db.begin() as session:
            return PasswordResetSchema().dump(resets.issue(session, self.identity(), username, data["kind"], hours))

    @rpc(expected_exceptions=NetworkError)
    def check_one_time_secret(self, secret, client=None):
        """The account a one-time code or link opens (not used up yet); 401 if wrong, used or expired.
        ``client``: ``{"address"}`` of the person's client, for the sign-in throttle."""
        secret = {**load(OneTimeSecretSchema(), secret), **load(ClientAddressSchema(), client or {})}
        return AccountSchema().dump(resets.check(self.db, lockout.Policy.from_config(config), secret))

    @rpc(expected_exceptions=NetworkError)
    def complete_password_reset(self, data, client=None):
        """Use a one-time code or link up with a new password; returns the account as ``authenticate`` does."""
        data = {**load(PasswordResetCompletionSchema(), data), **load(ClientAddressSchema(), client or {})}
        new_password = data.pop("new_password")
        return SignedInSchema().dump(resets.complete(self.db, lockout.Policy.from_config(config), data, new_password))

    @rpc(expected_exceptions=NetworkError)
    def list_reviewers(self):
        """Reviewers and their cities: the practices service assigns expert reviews from them."""
        with self.db() as session:
            return experts.reviewers(session, self.identity())

    @rpc(expected_exceptions=NetworkError)
    def jury_candidates(self, usernames):
        """The accounts named to a festival's jury with their cities (the festivals service asks)."""
        usernames = [str(name) for name in usernames][:100]
        with self.db() as session:
            return experts.jury_candidates(session, self.identity(), usernames)

    @rpc(expected_exceptions=NetworkError)
    def claim_notification_recipients(self, data):
        """For the gateway's mailer: who is to get a notification by e-mail and has not had it yet."""
        data = load(NotificationClaimSchema(), data)
        with self.db.begin() as session:
            return mailing.claim_recipients(session, data["notification_id"], data["audience"])

    @rpc(expected_exceptions=NetworkError)
    def sign_out(self):
        """Revoke the caller's token everywhere (the ``token_revoked`` event reaches every service)."""
        with self.db.begin() as session:
            signout.revoke(session, self.token())

    @rpc(expected_exceptions=NetworkError)
    def revoked_tokens(self):
        return self.revoked_tokens_in_force()

    def revoked_tokens_in_force(self):
        with self.db() as session:
            return RevokedTokenSchema(many=True).dump(signout.in_force(session))

    @rpc(expected_exceptions=NetworkError)
    def account_access(self):
        return self.account_access_in_force()

    def account_access_in_force(self):
        with self.db() as session:
            return AccountAccessSchema(many=True).dump(accounts.access_in_force(session))
