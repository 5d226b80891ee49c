"""The catalog's public contract: what its RPC methods accept and return (the gateway reuses them)."""
from marshmallow import Schema, ValidationError, fields, validate

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


# Usernames travel in paths, logs and file names: lowercase Latin letters, digits and . _ - only.
USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{2,63}$"
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
    username = fields.Str(required=True, validate=validate.Regexp(
        USERNAME_PATTERN, error="От 3 до 64 символов: строчные латинские буквы, цифры и . _ -, "
                                "первым — буква или цифра"))
    role = fields.Str(required=True, validate=validate.OneOf(ROLES))
    municipality = fields.Str(load_default=None, allow_none=True)
    full_name = fields.Str(load_default="", validate=validate.Length(max=200),
                           metadata={"example": "Ирина Петровна Соколова"})
    position = fields.Str(load_default="", validate=validate.Length(max=200), metadata={"example": "методист"})
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254),
                         metadata={"description": "куда присылать уведомления (если настроена почта)"})

    password = fields.Str(required=True, validate=[validate.Length(max=200), strong_password])


class PasswordChangeSchema(Schema):
    current_password = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    new_password = fields.Str(required=True, validate=[validate.Length(max=200), strong_password])


class AccountSchema(Schema):
    username = fields.Str(required=True)
    role = fields.Str(required=True)
    municipality = fields.Str(attribute="municipality_code", allow_none=True)
    full_name = fields.Str()
    position = fields.Str()
    disabled = fields.Bool(metadata={"description": "отключена администратором: вход невозможен"})


class SignedInSchema(AccountSchema):
    """What the catalog tells the gateway on a right password: the account and its token generation."""

    token_generation = fields.Int(required=True)


class AccountQuery(PageQuery):
    role = fields.Str(validate=validate.OneOf(ROLES))
    municipality = fields.Str(validate=validate.Length(min=1, max=40))
    disabled = fields.Bool()


class AccountAccessSchema(Schema):
    username = fields.Str(required=True)
    token_generation = fields.Int(required=True)
    disabled = fields.Bool(required=True)


class RevokedTokenSchema(Schema):
    token_id = fields.Str(required=True)
    expires_at = fields.AwareDateTime(required=True)


def is_city_bound(role):
    return role in CITY_BOUND_ROLES


class NotificationClaimSchema(Schema):
    notification_id = fields.Str(required=True, validate=validate.Length(min=1, max=36))
    audience = fields.Str(required=True, validate=validate.Length(min=1, max=130))
