"""The catalog's own schemas: RPC inputs and outputs only it reads (the shared ones are in contract.py)."""
from marshmallow import Schema, fields, validate

from services.catalog.contract import AccountSchema, CredentialsSchema
from shared.auth import CITY_BOUND_ROLES
from shared.schemas import Text


class SignInSchema(CredentialsSchema):
    """What the gateway passes on: the credentials and the client's address (for the lockout)."""

    address = Text(load_default=None, allow_none=True, validate=validate.Length(max=100))


class SignedInSchema(AccountSchema):
    """What the catalog tells the gateway on a right password: the account and its token generation."""

    token_generation = fields.Int(required=True)


class AccountAccessSchema(Schema):
    username = Text(required=True)
    token_generation = fields.Int(required=True)
    disabled = fields.Bool(required=True)


class RevokedTokenSchema(Schema):
    token_id = Text(required=True)
    expires_at = fields.AwareDateTime(required=True)


def is_city_bound(role):
    return role in CITY_BOUND_ROLES


class NotificationClaimSchema(Schema):
    notification_id = Text(required=True, validate=validate.Length(min=1, max=36))
    audience = Text(required=True, validate=validate.Length(min=1, max=130))
