"""The catalog's public contract: what its RPC methods accept and return (the gateway reuses them)."""
from marshmallow import Schema, ValidationError, fields, validate

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


COMMON_PASSWORDS = frozenset({"password", "password1", "12345678", "123456789", "1234567890", "qwerty123",
                              "qwertyuiop", "11111111", "00000000", "iloveyou", "йцукенгш", "пароль123"})


def strong_password(password):
    """At least 8 characters, not only digits, not a well-known password."""
    if len(password) < 8:
        raise ValidationError("Пароль должен быть не короче 8 символов")
    if password.isdigit() or len(set(password)) < 3:
        raise ValidationError("Слишком простой пароль: добавьте буквы и другие символы")
    if password.casefold() in COMMON_PASSWORDS:
        raise ValidationError("Этот пароль слишком распространён, выберите другой")


class NewAccountSchema(CredentialsSchema):
    username = Username(required=True)
    role = Text(required=True, validate=validate.OneOf(ROLES))
    municipality = Text(load_default=None, allow_none=True)
    full_name = Text(load_default="", validate=validate.Length(max=200),
                     metadata={"example": "Ирина Петровна Соколова"})
    position = Text(load_default="", validate=validate.Length(max=200), metadata={"example": "методист"})
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254),
                         metadata={"description": "куда присылать уведомления (если настроена почта)"})

    password = Text(required=True, trim=False, validate=[validate.Length(max=200), strong_password])


class PasswordChangeSchema(Schema):
    current_password = Text(required=True, trim=False, validate=validate.Length(min=1, max=200))
    new_password = Text(required=True, trim=False, validate=[validate.Length(max=200), strong_password])


class AccountSchema(Schema):
    username = Text(required=True)
    role = Text(required=True)
    municipality = Text(attribute="municipality_code", allow_none=True)
    full_name = Text()
    position = Text()
    disabled = fields.Bool(metadata={"description": "отключена администратором: вход невозможен"})


class SignedInSchema(AccountSchema):
    """What the catalog tells the gateway on a right password: the account and its token generation."""

    token_generation = fields.Int(required=True)


class AccountQuery(PageQuery):
    role = Text(validate=validate.OneOf(ROLES))
    municipality = Text(validate=validate.Length(min=1, max=40))
    disabled = fields.Bool()


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
