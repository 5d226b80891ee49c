"""The catalog's public contract: what its RPC methods accept and return (the gateway reuses them)."""
from marshmallow import Schema, fields, validate

from shared.auth import CITY_BOUND_ROLES, ROLES
from shared.plugins import ORGANIZATION_KINDS
from shared.schemas import PageQuery


class MunicipalitySchema(Schema):
    code = fields.Str(required=True, metadata={"example": "kyshtym"})
    name = fields.Str(required=True, metadata={"example": "Кыштым"})
    region = fields.Str(required=True)
    timezone = fields.Str(required=True)
    oktmo = fields.Str(metadata={"description": "Код ОКТМО муниципального образования", "example": "75734000"})


class OrganizationSchema(Schema):
    id = fields.Int(required=True)
    municipality = fields.Str(required=True, attribute="municipality_code")
    name = fields.Str(required=True)
    kind = fields.Str(required=True, validate=validate.OneOf(ORGANIZATION_KINDS))
    kind_title = fields.Method("title_of_kind")

    def title_of_kind(self, organization):
        return ORGANIZATION_KINDS.get(organization.kind, organization.kind)


class OrganizationQuery(PageQuery):
    municipality = fields.Str(validate=validate.Length(min=1, max=40))
    kind = fields.Str(validate=validate.OneOf(ORGANIZATION_KINDS))


class CredentialsSchema(Schema):
    username = fields.Str(required=True, validate=validate.Length(min=1, max=80))
    password = fields.Str(required=True, validate=validate.Length(min=1, max=200))


class SignInSchema(CredentialsSchema):
    """What the gateway passes on: the credentials and the client's address (for the lockout)."""

    address = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=100))


class NewAccountSchema(CredentialsSchema):
    role = fields.Str(required=True, validate=validate.OneOf(ROLES))
    municipality = fields.Str(load_default=None, allow_none=True)
    full_name = fields.Str(load_default="", validate=validate.Length(max=200))
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254),
                         metadata={"description": "куда присылать уведомления (если настроена почта)"})

    password = fields.Str(required=True, validate=validate.Length(min=8, max=200))


class AccountSchema(Schema):
    username = fields.Str(required=True)
    role = fields.Str(required=True)
    municipality = fields.Str(attribute="municipality_code", allow_none=True)
    full_name = fields.Str()


class RevokedTokenSchema(Schema):
    token_id = fields.Str(required=True)
    expires_at = fields.AwareDateTime(required=True)


def is_city_bound(role):
    return role in CITY_BOUND_ROLES


class NotificationClaimSchema(Schema):
    notification_id = fields.Str(required=True, validate=validate.Length(min=1, max=36))
    audience = fields.Str(required=True, validate=validate.Length(min=1, max=130))
