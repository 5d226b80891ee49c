"""The festivals service's public contract."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.schemas import PageQuery, RecordId

KINDS = {"festival": "Фестиваль", "forum": "Форум", "contest": "Конкурс"}
REGION = "region"  # what regional (ЧИППКРО) festivals are filed under in cross-city views
REGION_TIMEZONE = "Asia/Yekaterinburg"


class NominationInputSchema(Schema):
    title = fields.Str(required=True, validate=validate.Length(min=2, max=300))


class FestivalInputSchema(Schema):
    title = fields.Str(required=True, validate=validate.Length(min=3, max=300))
    kind = fields.Str(load_default="festival", validate=validate.OneOf(KINDS))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    place = fields.Str(load_default="", validate=validate.Length(max=300))
    description = fields.Str(load_default="", validate=validate.Length(max=10000))
    nominations = fields.List(fields.Nested(NominationInputSchema), load_default=list,
                              validate=validate.Length(max=50))

    @validates_schema
    def ends_after_start(self, data, partial=False, **_):
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise ValidationError("Фестиваль не может закончиться раньше, чем начался.", "ends_on")
        titles = [item["title"] for item in data.get("nominations", [])]
        if len(set(titles)) != len(titles):
            raise ValidationError("Номинации не должны повторяться.", "nominations")


class FestivalChangeSchema(FestivalInputSchema):
    class Meta:
        exclude = ("nominations", "kind")


class ProgrammeItemInputSchema(Schema):
    title = fields.Str(required=True, validate=validate.Length(min=2, max=300))
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    place = fields.Str(load_default="", validate=validate.Length(max=300))
    speaker = fields.Str(load_default="", validate=validate.Length(max=300))
    practice_id = RecordId(load_default=None, allow_none=True)

    @validates_schema
    def ends_after_start(self, data, **_):
        if data["ends_at"] <= data["starts_at"]:
            raise ValidationError("Окончание должно быть позже начала.", "ends_at")


class EntryInputSchema(Schema):
    practice_id = RecordId(required=True)
    nomination = fields.Str(required=True, validate=validate.Length(min=1, max=300),
                            metadata={"description": "Название номинации"})


class PlaceSchema(Schema):
    practice_id = RecordId(required=True)
    place = fields.Int(required=True, validate=validate.Range(min=1, max=10))


class NominationResultSchema(Schema):
    nomination = fields.Str(required=True)
    places = fields.List(fields.Nested(PlaceSchema), required=True)


class ResultsInputSchema(Schema):
    results = fields.List(fields.Nested(NominationResultSchema), required=True, validate=validate.Length(min=1))


class FestivalQuery(PageQuery):
    municipality = fields.Str(validate=validate.Length(max=40))
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")


class NominationSchema(Schema):
    id = fields.Int()
    title = fields.Str()


class ProgrammeItemSchema(Schema):
    id = fields.Int()
    title = fields.Str()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    place = fields.Str()
    speaker = fields.Str()
    practice_id = fields.Int(allow_none=True)


class FestivalEntrySchema(Schema):
    id = fields.Int()
    nomination_id = fields.Int()
    practice_id = fields.Int()
    practice_title = fields.Str()
    municipality = fields.Str()
    place = fields.Int(allow_none=True)


class FestivalSchema(Schema):
    id = fields.Int()
    kind = fields.Str()
    kind_title = fields.Function(lambda festival: KINDS[festival.kind])
    title = fields.Str()
    description = fields.Str()
    place = fields.Str()
    municipality = fields.Function(lambda festival: festival.municipality or REGION)
    timezone = fields.Str()
    starts_on = fields.Date()
    ends_on = fields.Date()
    status = fields.Str(metadata={"description": "published или cancelled"})
    revision = fields.Int(metadata={
        "description": "Растёт с каждым изменением фестиваля; ETag ответа — она же в кавычках"})
    created_by = fields.Str()
    updated_at = fields.AwareDateTime()
    nominations = fields.List(fields.Nested(NominationSchema))
    programme = fields.List(fields.Nested(ProgrammeItemSchema))
    entries = fields.List(fields.Nested(FestivalEntrySchema))


class DiplomaSchema(Schema):
    """What a diploma's verification page shows: the winner, the place, the nomination, the festival."""

    code = fields.Str()
    place = fields.Int()
    practice_id = fields.Int()
    practice_title = fields.Str()
    municipality = fields.Str()
    municipality_name = fields.Str()
    nomination = fields.Str()
    festival_id = fields.Int()
    festival_title = fields.Str()
    festival_kind = fields.Str()
    starts_on = fields.Date()
    ends_on = fields.Date()
