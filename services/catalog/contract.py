"""The catalog service's contract: the schemas other services (the gateway) validate and document with."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.auth import ROLES
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


class NewOrganizationSchema(Schema):
    municipality = Text(required=True, validate=validate.Length(min=1, max=40), metadata={"example": "snezhinsk"})
    name = Text(required=True, validate=validate.Length(min=2, max=300), metadata={"example": "Лицей №127"})
    kind = Text(required=True, validate=validate.OneOf(ORGANIZATION_KINDS), metadata={"example": "school"})


class MunicipalityPluginSchema(MunicipalitySchema):
    """A registered municipality and the installed plugin that describes it (None: uninstalled since)."""

    plugin = fields.Dict(allow_none=True, metadata={
        "description": "точка входа practice_network.municipalities: name, module, package, version"})
    organizations = fields.Int(metadata={"description": "сколько организаций города в справочнике"})


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
    organization = fields.Int(load_default=None, allow_none=True, validate=validate.Range(min=1, max=2**31 - 1),
                              metadata={"description": "id организации того же муниципалитета"})
    password = Text(load_default=None, trim=False, validate=[validate.Length(max=200), strong_password],
                    metadata={"description": "без пароля вход возможен только по одноразовой ссылке или коду"})


class PasswordChangeSchema(Schema):
    current_password = Text(required=True, trim=False, validate=validate.Length(min=1, max=200))
    new_password = Text(required=True, trim=False, validate=[validate.Length(max=200), strong_password])


class AccountSchema(Schema):
    username = Text(required=True)
    role = Text(required=True)
    municipality = Text(attribute="municipality_code", allow_none=True)
    full_name = Text()
    position = Text()
    email = Text(allow_none=True)
    organization = fields.Nested(OrganizationSchema(only=("id", "name")), allow_none=True)
    disabled = fields.Bool(metadata={"description": "отключена администратором: вход невозможен"})


class AccountQuery(PageQuery):
    role = Text(validate=validate.OneOf(ROLES))
    municipality = Text(validate=validate.Length(min=1, max=40))
    disabled = fields.Bool()


RESET_KINDS = {"code": "одноразовый код", "link": "одноразовая ссылка"}


class PasswordResetRequestSchema(Schema):
    kind = Text(load_default="code", validate=validate.OneOf(RESET_KINDS),
                metadata={"description": "code: код для входа по имени пользователя; link: ссылка"})


class PasswordResetSchema(Schema):
    """The one-time secret, returned once: only its hash is kept."""

    username = Text(required=True)
    kind = Text(required=True)
    code = Text(metadata={"description": "для kind=code", "example": "K7PM-Q2XW-9D"})
    token = Text(metadata={"description": "для kind=link: часть ссылки /password/reset/{token}"})
    url = Text(metadata={"description": "для kind=link: ссылка целиком, на адрес PUBLIC_BASE_URL"})
    expires_at = fields.AwareDateTime(required=True)


class OneTimeSecretSchema(Schema):
    """Who redeems a one-time secret: ``username`` + ``code``, or the link's ``token``."""

    username = Username(load_default=None, allow_none=True)
    code = Text(load_default=None, allow_none=True, validate=validate.Length(min=1, max=40))
    token = Text(load_default=None, allow_none=True, validate=validate.Length(min=20, max=100))

    @validates_schema
    def code_or_link(self, data, **kwargs):
        if data["token"] is None and not (data["username"] and data["code"]):
            raise ValidationError({"code": ["Введите имя пользователя и одноразовый код"]})


class PasswordResetCompletionSchema(OneTimeSecretSchema):
    new_password = Text(required=True, trim=False, validate=[validate.Length(max=200), strong_password])


class ClientAddressSchema(Schema):
    """The client's address the gateway passes on beside a one-time secret (for the lockout)."""

    address = Text(load_default=None, allow_none=True, validate=validate.Length(max=100))
