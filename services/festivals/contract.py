"""The festivals service's contract: the schemas and constants other services (the gateway) may use."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.schemas import Day, Int, Moment, PageQuery, RecordId, Text


KINDS = {"festival": "Фестиваль", "forum": "Форум", "contest": "Конкурс"}
REGION = "region"  # what regional (ЧИППКРО) festivals are filed under in cross-city views
REGION_TIMEZONE = "Asia/Yekaterinburg"


class NominationInputSchema(Schema):
    title = Text(required=True, validate=validate.Length(min=2, max=300))


class FestivalInputSchema(Schema):
    title = Text(required=True, validate=validate.Length(min=3, max=300))
    kind = Text(load_default="festival", validate=validate.OneOf(KINDS))
    starts_on = Day(required=True)
    ends_on = Day(required=True)
    place = Text(load_default="", validate=validate.Length(max=300))
    description = Text(multiline=True, load_default="", validate=validate.Length(max=10000))
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
    title = Text(required=True, validate=validate.Length(min=2, max=300))
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)
    place = Text(load_default="", validate=validate.Length(max=300))
    speaker = Text(load_default="", validate=validate.Length(max=300))
    practice_id = RecordId(load_default=None, allow_none=True)

    @validates_schema
    def ends_after_start(self, data, **_):
        if data["ends_at"] <= data["starts_at"]:
            raise ValidationError("Окончание должно быть позже начала.", "ends_at")


class EntryInputSchema(Schema):
    practice_id = RecordId(required=True)
    nomination = Text(required=True, validate=validate.Length(min=1, max=300),
                      metadata={"description": "Название номинации"})


class PlaceSchema(Schema):
    practice_id = RecordId(required=True)
    place = Int(required=True, validate=validate.Range(min=1, max=10))


class NominationResultSchema(Schema):
    nomination = Text(required=True)
    places = fields.List(fields.Nested(PlaceSchema), required=True)


class ResultsInputSchema(Schema):
    results = fields.List(fields.Nested(NominationResultSchema), required=True, validate=validate.Length(min=1))


class FestivalQuery(PageQuery):
    municipality = Text(validate=validate.Length(max=40))
    date_from = Day(data_key="from")
    date_to = Day(data_key="to")


class NominationSchema(Schema):
    id = fields.Int()
    title = Text()


class ProgrammeItemSchema(Schema):
    id = fields.Int()
    title = Text()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    place = Text()
    speaker = Text()
    practice_id = fields.Int(allow_none=True)


class FestivalEntrySchema(Schema):
    id = fields.Int()
    nomination_id = fields.Int()
    practice_id = fields.Int()
    practice_title = Text()
    municipality = Text()
    place = fields.Int(allow_none=True)


class FestivalSchema(Schema):
    id = fields.Int()
    kind = Text()
    kind_title = fields.Function(lambda festival: KINDS[festival.kind])
    title = Text()
    description = Text()
    place = Text()
    municipality = fields.Function(lambda festival: festival.municipality or REGION)
    timezone = Text()
    starts_on = fields.Date()
    ends_on = fields.Date()
    status = Text(metadata={"description": "published или cancelled"})
    revision = fields.Int(metadata={
        "description": "Растёт с каждым изменением фестиваля; ETag ответа — она же в кавычках"})
    created_by = Text()
    updated_at = fields.AwareDateTime()
    nominations = fields.List(fields.Nested(NominationSchema))
    programme = fields.List(fields.Nested(ProgrammeItemSchema))
    entries = fields.List(fields.Nested(FestivalEntrySchema))


class DiplomaSchema(Schema):
    """What a diploma's verification page shows: the winner, the place, the nomination, the festival."""

    code = Text()
    place = fields.Int()
    practice_id = fields.Int()
    practice_title = Text()
    municipality = Text()
    municipality_name = Text()
    nomination = Text()
    festival_id = fields.Int()
    festival_title = Text()
    festival_kind = Text()
    starts_on = fields.Date()
    ends_on = fields.Date()
