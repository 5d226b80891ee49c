"""What the adoption RPC methods accept and return (services/practices/adoption.py)."""
from marshmallow import Schema, fields, validate

from shared.schemas import Text

TEXT = validate.Length(min=3, max=5000)


class AdoptionInputSchema(Schema):
    changes = Text(multiline=True, required=True, validate=TEXT,
                   metadata={"description": "Что изменено в адаптации по сравнению с оригиналом"})
    reason = Text(multiline=True, required=True, validate=TEXT, metadata={"description": "Почему это изменено"})


class AdoptionReportInputSchema(Schema):
    text = Text(multiline=True, required=True, validate=TEXT,
                metadata={"description": "Коротко: что получилось после внедрения"})


class AdoptionSchema(Schema):
    id = fields.Int()
    original_entry_id = fields.Int()
    original_version = fields.Int()
    original_municipality = Text()
    original_title = Text()
    adaptation_entry_id = fields.Int()
    adopter_municipality = Text()
    adopted_by = Text()
    changes = Text()
    reason = Text()
    adopted_at = fields.AwareDateTime()
    report_due_at = fields.AwareDateTime()
    report_requested_at = fields.AwareDateTime(allow_none=True)
    report_text = Text(allow_none=True)
    reported_at = fields.AwareDateTime(allow_none=True)
    reported_by = Text(allow_none=True)
    revision = fields.Int()
