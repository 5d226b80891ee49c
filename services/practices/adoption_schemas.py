"""What the adoption RPC methods accept and return (services/practices/adoption.py)."""
from marshmallow import Schema, fields, validate

TEXT = validate.Length(min=3, max=5000)


class AdoptionInputSchema(Schema):
    changes = fields.Str(required=True, validate=TEXT,
                         metadata={"description": "Что изменено в адаптации по сравнению с оригиналом"})
    reason = fields.Str(required=True, validate=TEXT, metadata={"description": "Почему это изменено"})


class AdoptionReportInputSchema(Schema):
    text = fields.Str(required=True, validate=TEXT,
                      metadata={"description": "Коротко: что получилось после внедрения"})


class AdoptionSchema(Schema):
    id = fields.Int()
    original_entry_id = fields.Int()
    original_version = fields.Int()
    original_municipality = fields.Str()
    original_title = fields.Str()
    adaptation_entry_id = fields.Int()
    adopter_municipality = fields.Str()
    adopted_by = fields.Str()
    changes = fields.Str()
    reason = fields.Str()
    adopted_at = fields.AwareDateTime()
    report_due_at = fields.AwareDateTime()
    report_requested_at = fields.AwareDateTime(allow_none=True)
    report_text = fields.Str(allow_none=True)
    reported_at = fields.AwareDateTime(allow_none=True)
    reported_by = fields.Str(allow_none=True)
    revision = fields.Int()
