"""The catalog service's contract: the schemas other services (the gateway) validate and document with."""
from marshmallow import Schema, ValidationError, fields, validate

from shared.auth import ROLES
from shared.plugins import ORGANIZATION_KINDS
from shared.schemas import PageQuery, Text, Username


class MunicipalitySchema(Schema):
    code = Text(required=True, metadata={"example": "kyshtym"})
    name = Text(required=True, metadata={"example": "Кыштым"})
    region = Text(required=True)
    timezone = Text(required=True)
    oktmo = Text(metadata={"description": "Код ОКТМО муниципального образования", "example": "75734000"})


class OrganizationQuery(PageQuery):
    municipality = Text(validate=validate.Length(min=1, max=40))
    kind = Text(validate=validate.OneOf(ORGANIZATION_KINDS))


class CredentialsSchema(Schema):
    username = Text(required=True, validate=validate.Length(min=1, max=80))
    password = Text(required=True, trim=False, validate=validate.Length(min=1, max=200))


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


class AccountQuery(PageQuery):
    role = Text(validate=validate.OneOf(ROLES))
    municipality = Text(validate=validate.Length(min=1, max=40))
    disabled = fields.Bool()
