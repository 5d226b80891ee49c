"""What the adoption RPC methods accept and return (services/practices/adoption.py)."""
from marshmallow import Schema, fields, validate

from services.practices.schemas import EntrySchema
from shared.schemas import Text

TEXT = validate.Length(min=3, max=5000)


class AdoptionInputSchema(Schema):
    changes = Text(multiline=True, required=True, validate=TEXT,
                   metadata={"description": "Что изменено в адаптации по сравнению с оригиналом"})
    # API.md asks for ``changes`` only; the reason is the project's own addition, so it may be left out.
    reason = Text(multiline=True, load_default="", validate=validate.Length(max=5000),
                  metadata={"description": "Почему это изменено (необязательно)"})


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


class BasedOnSchema(Schema):
    id = fields.Int(required=True, metadata={"description": "Запись-оригинал"})
    version = fields.Int(required=True, metadata={"description": "Её опубликованная версия, с которой снята копия"})
    municipality = Text(required=True, metadata={"description": "Город оригинала"})


AdoptedDraftSchema = Schema.from_dict({
    **EntrySchema._declared_fields,
    **{name: field for name, field in AdoptionSchema._declared_fields.items() if name != "id"},
    "adoption_id": fields.Int(metadata={"description": "Внедрение: для отчёта /adoptions/{id}/report"}),
    "based_on": fields.Nested(BasedOnSchema),
}, name="AdoptedDraftSchema")
AdoptedDraftSchema.__doc__ = """The answer to adopting (API.md): the new draft in the adopter's city with ``based_on``,
and the adoption's own fields beside it (its id as ``adoption_id``)."""
