"""The practices service's own schemas: RPC inputs and outputs only it reads (the shared ones are in contract.py)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.practices.contract import CollectionEditionSchema, CollectionSchema, HistoryItemSchema, ResourceSchema
from shared.licenses import license_field
from shared.schemas import DirectionCode, Int, RecordId, Text


class FieldChangeSchema(Schema):
    field = Text()
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)


class ReturnedVersionSchema(Schema):
    version = fields.Int()
    at = fields.AwareDateTime(data_key="when")
    changes = fields.List(fields.Nested(FieldChangeSchema))


class ReviewContextSchema(Schema):
    """The latest reviewer decision with its comment, and what changed since the entry was returned."""

    decision = fields.Nested(HistoryItemSchema, allow_none=True)
    returned = fields.Nested(ReturnedVersionSchema, allow_none=True)


class ImportRowSchema(Schema):
    row = Int(required=True)
    values = fields.Dict(keys=Text(), required=True)


class ImportSchema(Schema):
    rows = fields.List(fields.Nested(ImportRowSchema), required=True)
    dry_run = fields.Bool(load_default=True)


class ResourceInputSchema(Schema):
    """A resource as the gateway passes it on: a stored file's facts, or a link."""

    title = Text(required=True, validate=validate.Length(min=2, max=300))
    description = Text(multiline=True, load_default="", validate=validate.Length(max=5000))
    url = fields.Url(load_default=None, allow_none=True, schemes={"http", "https"})
    sha256 = Text(load_default=None, allow_none=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    size = Int(load_default=None, allow_none=True, validate=validate.Range(min=0))
    media_type = Text(load_default=None, allow_none=True)
    filename = Text(load_default=None, allow_none=True, validate=validate.Length(max=300))
    practice_id = RecordId(load_default=None, allow_none=True)
    festival_id = RecordId(load_default=None, allow_none=True)
    license = license_field()

    @validates_schema
    def file_or_link(self, data, **_):
        if bool(data.get("url")) == bool(data.get("sha256")):
            raise ValidationError("Приложите файл или укажите ссылку (что-то одно).", "file")


class StoredFileSchema(ResourceSchema):
    sha256 = Text()


class PublisherSchema(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=300))
    place = Text(load_default="", validate=validate.Length(max=200))
    timezone = Text(load_default="Asia/Yekaterinburg", validate=validate.Length(max=60))


class CollectionInputSchema(CollectionEditionSchema):
    title = Text(required=True, validate=validate.Length(min=3, max=300))
    municipality = Text(load_default=None, allow_none=True, validate=validate.Length(max=40))
    direction = DirectionCode(strict=False, load_default=None, allow_none=True, validate=validate.Length(max=200))
    festival_id = RecordId(load_default=None, allow_none=True,
                           metadata={"description": "Фестиваль, чьи заявки вошли (для показа и пересборки)"})
    winners_only = fields.Bool(load_default=None, allow_none=True,
                               metadata={"description": "Вошли только победители и лауреаты фестиваля"})
    practice_ids = fields.List(RecordId(), load_default=None, allow_none=True,
                               metadata={"description": "Только эти записи (например, заявленные на фестиваль)"})
    city_names = fields.Dict(keys=Text(), values=Text(), load_default=dict)
    publisher = fields.Nested(PublisherSchema, load_default=None, allow_none=True,
                              metadata={"description": "Кто издаёт: управление образования города или институт"})
    rebuilt_from = RecordId(load_default=None, allow_none=True)


class StoredCollectionSchema(CollectionSchema):
    docx_sha256 = Text(allow_none=True)
    pdf_sha256 = Text(allow_none=True)
