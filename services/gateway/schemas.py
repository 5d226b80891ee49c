"""Schemas of what only the gateway speaks: tokens, health. Services' own contracts live with them."""
from marshmallow import Schema, fields

from shared.plugins import ORGANIZATION_KINDS
from shared.schemas import IdentitySchema


class TokenSchema(Schema):
    access_token = fields.Str(required=True)
    token_type = fields.Str(required=True, metadata={"example": "bearer"})
    expires_in = fields.Int(required=True, metadata={"description": "секунд до истечения"})
    user = fields.Nested(IdentitySchema, required=True)


class HealthSchema(Schema):
    status = fields.Str(required=True, metadata={"example": "ok"})
    services = fields.Dict(keys=fields.Str(), values=fields.Str(), required=True)
    read_model = fields.Str(metadata={"description": "ok, или catching_up пока модель чтения догоняет журналы"})


class OrganizationViewSchema(Schema):
    id = fields.Int(required=True)
    municipality = fields.Str(required=True)
    name = fields.Str(required=True)
    kind = fields.Str(required=True)
    kind_title = fields.Function(lambda org: ORGANIZATION_KINDS.get(org.kind, org.kind))
