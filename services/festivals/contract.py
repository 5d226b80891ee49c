"""The festivals service's contract: the schemas and constants other services (the gateway) may use,
the festival season's included (the call, the jury, the ranking, one's own entries, the diplomas' archive)."""
from zoneinfo import ZoneInfo

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.messaging import utcnow
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


class EntryResourceSchema(Schema):
    """A resource of an entry: a file already uploaded (``POST /api/v1/resources``) or a video link."""

    resource_id = RecordId(load_default=None, allow_none=True)
    url = fields.Url(load_default=None, allow_none=True, schemes={"http", "https"},
                     validate=validate.Length(max=1000), error_messages={"invalid": "Нужна ссылка http(s)://…"})
    title = Text(load_default="", validate=validate.Length(max=300))

    @validates_schema
    def one_of_them(self, data, **_):
        if (data["resource_id"] is None) == (data["url"] is None):
            raise ValidationError("Укажите либо загруженный файл (resource_id), либо ссылку на видео (url).",
                                  "resource_id")


class EntryInputSchema(Schema):
    practice_id = RecordId(required=True)
    nomination = Text(required=True, validate=validate.Length(min=1, max=300),
                      metadata={"description": "Название номинации"})
    application = Text(multiline=True, load_default="", validate=validate.Length(max=3000),
                       metadata={"description": "Короткий текст заявки"})
    resources = fields.List(fields.Nested(EntryResourceSchema), load_default=list, validate=validate.Length(max=10))
    from_entry_id = RecordId(load_default=None, allow_none=True, metadata={
        "description": "Заявка городского фестиваля, где практика заняла место или стала лауреатом: "
                       "на региональный фестиваль она выдвигается оттуда"})


class PlaceSchema(Schema):
    practice_id = RecordId(required=True)
    place = Int(required=True, validate=validate.Range(min=1, max=3))


class NominationResultSchema(Schema):
    nomination = Text(required=True)
    places = fields.List(fields.Nested(PlaceSchema), required=True)
    laureates = fields.List(RecordId(), load_default=list,
                            metadata={"description": "Практики-лауреаты номинации (без места)"})
    tie_reason = Text(multiline=True, load_default="", validate=validate.Length(max=2000), metadata={
        "description": "Почему заявки с равными итогами жюри расставлены так (обязательно при равенстве)"})


class ResultsInputSchema(Schema):
    results = fields.List(fields.Nested(NominationResultSchema), required=True, validate=validate.Length(min=1))


class FestivalQuery(PageQuery):
    municipality = Text(validate=validate.Length(max=40))
    date_from = Day(data_key="from")
    date_to = Day(data_key="to")


class NominationSchema(Schema):
    id = fields.Int()
    title = Text()
    kinds = fields.List(Text(), metadata={"description": "Виды записей, принимаемые в номинацию (пусто — любые)"})
    rubric = Text(allow_none=True, metadata={"description": "Рубрика жюри номинации (нет — рубрика фестиваля)"})
    tie_reason = Text()


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
    entered_by = Text()
    entered_at = fields.AwareDateTime(allow_none=True)
    status = Text(metadata={"description": "submitted или withdrawn"})
    application = Text()
    resources = fields.List(fields.Dict())
    place = fields.Int(allow_none=True)
    laureate = fields.Bool()
    from_festival_id = fields.Int(allow_none=True, metadata={"description": "Выдвинута с этого городского фестиваля"})
    from_festival_title = Text()


class JurorSchema(Schema):
    username = Text()
    municipality = Text(allow_none=True)
    full_name = Text()


def call_state(festival, now=None):
    """``not_open``, ``open`` or ``closed``: entries are taken from the call's opening to its deadline."""
    if festival.call_deadline is None:
        return "not_open"
    return "open" if (now or utcnow()) < festival.call_deadline else "closed"


def local_time(festival, moment):
    """``moment`` as the festival's city reads it, for messages: «15.12.2026 18:00 (Asia/Yekaterinburg)»."""
    return f"{moment.astimezone(ZoneInfo(festival.timezone)):%d.%m.%Y %H:%M} ({festival.timezone})"


class CallSchema(Schema):
    status = fields.Function(call_state, metadata={"description": "not_open, open или closed"})
    deadline = fields.Function(lambda f: f.call_deadline and f.call_deadline.astimezone(
        ZoneInfo(f.timezone)).isoformat(), metadata={"description": "Срок приёма заявок во времени города"})
    deadline_text = fields.Function(lambda f: f.call_deadline and local_time(f, f.call_deadline))
    rubric = fields.Function(lambda f: f.rubric)


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
    entries_count = fields.Function(lambda festival: sum(e.status == "submitted" for e in festival.entries),
                                    metadata={"description": "Поданные и не отозванные заявки"})
    call = fields.Function(lambda festival: CallSchema().dump(festival))
    jury = fields.List(fields.Nested(JurorSchema))


class DiplomaSchema(Schema):
    """What a diploma's verification page shows: the winner, the place, the nomination, the festival."""

    code = Text()
    document = Text(metadata={"description": "diploma (место или лауреат) или certificate (участник)"})
    place = fields.Int(allow_none=True)
    laureate = fields.Bool()
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


RUBRIC_CODE = validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,59}$",
                              error="Код рубрики: латинские строчные буквы, цифры, «-» и «_», до 60 знаков")


class NominationRulesSchema(Schema):
    title = Text(required=True, validate=validate.Length(min=1, max=300), metadata={"description": "Номинация"})
    kinds = fields.List(Text(validate=validate.Length(min=1, max=40)), load_default=list,
                        metadata={"description": "Виды записей, принимаемые в номинацию (пусто — любые)"})
    rubric = Text(load_default=None, allow_none=True, validate=RUBRIC_CODE,
                  metadata={"description": "Рубрика жюри этой номинации"})


class CallInputSchema(Schema):
    deadline = Moment(required=True, metadata={"description": "Срок приёма заявок (с часовым поясом)"})
    rubric = Text(load_default=None, allow_none=True, validate=RUBRIC_CODE,
                  metadata={"description": "Код рубрики экспертизы, по которой оценивает жюри"})
    nominations = fields.List(fields.Nested(NominationRulesSchema), load_default=list,
                              metadata={"description": "Правила номинаций; не названные принимают любые записи"})


class JuryInputSchema(Schema):
    jurors = fields.List(Text(validate=validate.Length(min=1, max=80)), required=True,
                         validate=validate.Length(min=2, max=50), metadata={"description": "Логины членов жюри"})

    @validates_schema
    def no_repeats(self, data, **_):
        if len(set(data.get("jurors", []))) != len(data.get("jurors", [])):
            raise ValidationError("Члены жюри не должны повторяться.", "jurors")


class MyEntriesQuery(PageQuery):
    pass


class MyEntrySchema(FestivalEntrySchema):
    festival_id = fields.Int()
    festival_title = Text()
    nomination = Text()
    deadline = Text(allow_none=True)
    scores_in = fields.Int(metadata={"description": "Сколько оценок жюри уже поставлено"})


class RankedEntrySchema(Schema):
    entry_id = fields.Int()
    practice_id = fields.Int()
    practice_title = Text()
    municipality = Text()
    status = Text(metadata={"description": "scored — оценки жюри получены; pending — ещё нет"})
    total = fields.Float(allow_none=True, metadata={"description": "Среднее взвешенных итогов жюри, % шкалы"})
    spread = fields.Float(allow_none=True, metadata={"description": "Разброс итогов жюри (наибольший − наименьший)"})
    jurors = fields.Int(metadata={"description": "Сколько оценок учтено"})
    tied = fields.Bool(metadata={"description": "Тот же итог у другой заявки номинации"})
    place = fields.Int(allow_none=True)
    laureate = fields.Bool()


class RankedNominationSchema(Schema):
    nomination = Text()
    rubric = Text(allow_none=True)
    tie_reason = Text()
    entries = fields.List(fields.Nested(RankedEntrySchema))


class RankingSchema(Schema):
    festival_id = fields.Int()
    complete = fields.Bool(metadata={"description": "Оценки всех заявок получены"})
    nominations = fields.List(fields.Nested(RankedNominationSchema))
