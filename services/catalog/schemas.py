"""The catalog's public contract: what its RPC methods accept and return (the gateway reuses them)."""
from marshmallow import Schema, fields, validate

from shared.auth import CITY_BOUND_ROLES, ROLES
from shared.plugins import ORGANIZATION_KINDS
from shared.schemas import PageQuery, Text, Username


class MunicipalitySchema(Schema):
    code = Text(required=True, metadata={"example": "kyshtym"})
    name = Text(required=True, metadata={"example": "Кыштым"})
    region = Text(required=True)
    timezone = Text(required=True)
    oktmo = Text(metadata={"description": "Код ОКТМО муниципального образования", "example": "75734000"})


class OrganizationSchema(Schema):
    id = fields.Int(required=True)
    municipality = Text(required=True, attribute="municipality_code")
    name = Text(required=True)
    kind = Text(required=True, validate=validate.OneOf(ORGANIZATION_KINDS))
    kind_title = fields.Method("title_of_kind")

    def title_of_kind(self, organization):
        return ORGANIZATION_KINDS.get(organization.kind, organization.kind)


class OrganizationQuery(PageQuery):
    municipality = Text(validate=validate.Length(min=1, max=40))
    kind = Text(validate=validate.OneOf(ORGANIZATION_KINDS))


class CredentialsSchema(Schema):
    username = Text(required=True, validate=validate.Length(min=1, max=80))
    password = Text(required=True, trim=False, validate=validate.Length(min=1, max=200))


class SignInSchema(CredentialsSchema):
    """What the gateway passes on: the credentials and the client's address (for the lockout)."""

    address = Text(load_default=None, allow_none=True, validate=validate.Length(max=100))


class NewAccountSchema(CredentialsSchema):
    username = Username(required=True)
    role = Text(required=True, validate=validate.OneOf(ROLES))
    municipality = Text(load_default=None, allow_none=True)
    full_name = Text(load_default="", validate=validate.Length(max=200))
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254),
                         metadata={"description": "куда присылать уведомления (если настроена почта)"})

    password = Text(required=True, trim=False, validate=validate.Length(min=8, max=200))


class AccountSchema(Schema):
    username = Text(required=True)
    role = Text(required=True)
    municipality = Text(attribute="municipality_code", allow_none=True)
    full_name = Text()


class RevokedTokenSchema(Schema):
    token_id = Text(required=True)
    expires_at = fields.AwareDateTime(required=True)


def is_city_bound(role):
    return role in CITY_BOUND_ROLES


class NotificationClaimSchema(Schema):
    notification_id = Text(required=True, validate=validate.Length(min=1, max=36))
    audience = Text(required=True, validate=validate.Length(min=1, max=130))
