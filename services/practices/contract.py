"""The practices service's contract: the schemas and rules other services (the gateway) may use.

What its RPC methods accept and return, the statuses and transitions of an entry, expertise and adoption;
nothing here reaches the database. The service's own schemas (schemas.py) build on these."""
import copy
from dataclasses import dataclass
from functools import cache

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.auth import METHODIST, REVIEWER
from shared.licenses import license_field
from shared.plugins import SEARCH_CHOICE, choices_of, entry_kinds
from shared.schemas import DirectionCode, Int, Moment, PageQuery, RecordId, Text, not_in_past

STATUS_TITLES = {
    "draft": "Черновик",
    "submitted": "На рассмотрении",
    "changes_requested": "Требует доработки",
    "approved": "Опубликовано",
    "rejected": "Отклонено",
    "withdrawn": "Снято с публикации",
    "archived": "В архиве",
}


class CommonContentSchema(Schema):
    """Fields every entry has, whatever its kind."""

    title = Text(required=True, validate=validate.Length(min=3, max=300))
    summary = Text(multiline=True, load_default="", validate=validate.Length(max=5000))
    direction = DirectionCode(load_default="", validate=validate.Length(max=200),
                              metadata={"description": "Код направления из списка (GET /api/v1/directions) "
                                                       "или его название, например «mentoring» или «Наставничество»"})
    organization = Text(load_default="", validate=validate.Length(max=300),
                        metadata={"description": "Организация-автор или провайдер пробы"})
    tags = fields.List(Text(validate=validate.Length(min=1, max=60)), load_default=list,
                       validate=validate.Length(max=20))
    license = license_field()


@cache
def content_schema(kind_name):
    """The schema of an entry's content: the common fields plus the kind's own."""
    kind = entry_kinds()[kind_name]
    return type(f"{kind.schema.__name__}Content", (CommonContentSchema, kind.schema), {})


@cache
def content_loader(kind_name):
    """An instance of :func:`content_schema`, made once: making one deep-copies every field, which cost
    more than validating a row (an import validates a thousand)."""
    return content_schema(kind_name)()


class KindSchema(Schema):
    kind = Text(required=True, validate=validate.OneOf(sorted(entry_kinds())))


def _all_kind_fields():
    """Every kind's own fields, made optional: for documenting the union of all kinds."""
    merged = {}
    for kind in entry_kinds().values():
        for name, field in kind.schema._declared_fields.items():
            merged[name] = copy.copy(field)
            merged[name].required = False
    return merged


# What the API documents for a new entry: the common fields and every kind's fields (each kind
# requires its own; the service checks them against the kind named in ``kind``).
EntryInputSchema = Schema.from_dict(
    {**KindSchema._declared_fields, **CommonContentSchema._declared_fields, **_all_kind_fields()},
    name="EntryInputSchema")


class TransitionInputSchema(Schema):
    comment = Text(multiline=True, load_default="", validate=validate.Length(max=5000))


class BulkTransitionSchema(TransitionInputSchema):
    ids = fields.List(RecordId(), required=True, validate=validate.Length(min=1, max=1000))


class BulkResultSchema(Schema):
    done = fields.List(fields.Int())
    failed = fields.Dict(keys=Text(), values=Text(), metadata={"description": "{id: причина}"})


ENTRY_SORTS = ("updated", "title", "status")


class EntryQuery(PageQuery):
    """The registry's filters (API.md) over the entries one manages, applied to their working copies."""

    q = Text(validate=validate.Length(max=200), metadata={"description": "Слова в любой форме или начало слова"})
    kind = Text(validate=validate.OneOf(sorted(entry_kinds())))
    municipality = Text(validate=validate.Length(max=40))
    direction = DirectionCode(strict=False, validate=validate.Length(max=200))
    grade = fields.Int(validate=validate.Range(min=1, max=11))
    format = Text(validate=validate.OneOf(choices_of(SEARCH_CHOICE)))
    status = Text(validate=validate.OneOf(STATUS_TITLES))
    sort = Text(load_default="updated", validate=validate.OneOf(ENTRY_SORTS, error="Сортировка: {choices}"),
                metadata={"description": "updated (недавно изменённые первыми), title (по названию), status"})


class ReviewQueueQuery(EntryQuery):
    """The review queue holds submitted entries only, oldest first: the same filters without ``status``."""

    class Meta:
        exclude = ("status", "sort")


class EntryOutputSchema(Schema):
    id = fields.Int()
    kind = Text()
    kind_title = Text()
    municipality = Text()
    status = Text()
    status_title = Text()
    version = fields.Int(metadata={"description": "Номер показанной версии"})
    working_version = fields.Int(metadata={"description": "Номер рабочей версии (для автора и экспертов)"})
    published_version = fields.Int(allow_none=True)
    revision = fields.Int(metadata={
        "description": "Растёт с каждым изменением записи; ETag ответа — она же в кавычках"})
    author = Text()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    submitted_at = fields.AwareDateTime(allow_none=True)
    approved_at = fields.AwareDateTime(allow_none=True)


EntrySchema = Schema.from_dict(
    {**EntryOutputSchema._declared_fields, **CommonContentSchema._declared_fields, **_all_kind_fields()},
    name="EntrySchema")


class HistoryItemSchema(Schema):
    version = fields.Int()
    action = Text()
    from_status = Text(allow_none=True, data_key="from")
    to_status = Text(data_key="to")
    actor = Text(data_key="who", allow_none=True, metadata={
        "description": "кто; null в публичной истории (видят только город автора, эксперты и администраторы)"})
    actor_role = Text(data_key="role")
    at = fields.AwareDateTime(data_key="when")
    # Filled by the gateway from its directory of people (absent where ``who`` is null).
    who_name = Text(dump_only=True, metadata={"description": "кто: «имя, должность»; логин, если имя неизвестно"})
    comment = Text()


class SessionInputSchema(Schema):
    starts_at = Moment(required=True, validate=not_in_past)
    ends_at = Moment(required=True)
    capacity = Int(required=True, validate=validate.Range(min=1, max=1000))
    place = Text(load_default="", validate=validate.Length(max=300))

    @validates_schema
    def ends_after_start(self, data, **_):
        if data["ends_at"] <= data["starts_at"]:
            raise ValidationError("Окончание должно быть позже начала.", "ends_at")


class SessionSchema(Schema):
    id = fields.Int()
    practice_id = fields.Int(attribute="entry_id")
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    capacity = fields.Int()
    seats_left = fields.Int()
    place = Text()
    revision = fields.Int(metadata={"description": "Растёт с каждой бронью и отменой на занятии"})


class BookingInputSchema(Schema):
    pupils = Int(required=True, validate=validate.Range(min=1, max=60))
    grade = Int(required=True, validate=validate.Range(min=6, max=11))
    contact = Text(load_default="", validate=validate.Length(max=300))
    waitlist = fields.Bool(load_default=False, metadata={
        "description": "Если мест не хватает — встать в лист ожидания вместо ответа 409"})


class BookingQuery(PageQuery):
    status = Text(validate=validate.OneOf(["confirmed", "waitlisted", "cancelled"]))


class BookingSchema(Schema):
    id = fields.Int()
    session_id = fields.Int()
    practice_id = fields.Function(lambda booking: booking.session.entry_id)
    school = Text()
    # Filled by the gateway from its directory of people.
    school_name = Text(dump_only=True, metadata={"description": "школа: «имя, должность» её представителя"})
    school_municipality = Text(allow_none=True)
    pupils = fields.Int()
    grade = fields.Int()
    contact = Text(allow_none=True, metadata={
        "description": "контакт школы; null для экспертов (видят методисты города занятия, школа и администратор)"})
    status = Text()
    created_at = fields.AwareDateTime()
    session = fields.Nested(SessionSchema)


class ImportLineSchema(Schema):
    row = fields.Int()
    title = Text()
    status = Text(metadata={"description": "valid, invalid или created"})
    errors = fields.Dict()
    messages = fields.List(Text(), metadata={"description": "Ошибки словами: «Строка 5, столбец «Классы»: …»"})
    id = fields.Int()


class ImportReportSchema(Schema):
    dry_run = fields.Bool()
    total = fields.Int()
    valid = fields.Int()
    invalid = fields.Int()
    created = fields.Int()
    rows = fields.List(fields.Nested(ImportLineSchema))
    token = Text(metadata={"description": "После проверки без ошибок: токен, по которому файл импортируется "
                                          "без повторной загрузки (час)"})


class ResourceSchema(Schema):
    id = fields.Int()
    municipality = Text()
    title = Text()
    description = Text()
    url = Text(allow_none=True)
    file_url = fields.Function(lambda r: f"/api/v1/resources/{r.id}/file" if r.sha256 else None)
    size = fields.Int(allow_none=True)
    media_type = Text(allow_none=True)
    filename = Text(allow_none=True)
    practice_id = fields.Int(allow_none=True)
    festival_id = fields.Int(allow_none=True)
    license = Text()
    created_by = Text()
    created_at = fields.AwareDateTime()


COLLECTION_ORDERS = {"municipality": "по городам", "direction": "по направлениям"}


class CollectionEditionSchema(Schema):
    """The front matter a methodist types when she asks for a collection (several lines each)."""

    compilers = Text(multiline=True, load_default="", validate=validate.Length(max=2000),
                           metadata={"description": "Составители: ФИО, должности (можно в несколько строк)"})
    annotation = Text(multiline=True, load_default="", validate=validate.Length(max=5000),
                            metadata={"description": "Аннотация: для кого сборник и что в нём"})
    foreword = Text(multiline=True, load_default="", validate=validate.Length(max=20000),
                          metadata={"description": "Предисловие составителей; абзацы через пустую строку"})
    order = Text(load_default="municipality", validate=validate.OneOf(
        COLLECTION_ORDERS, error="Порядок: municipality (по городам) или direction (по направлениям)"),
        metadata={"description": "Порядок практик: municipality — по городам, direction — по направлениям"})


class CollectionSchema(Schema):
    id = fields.Int()
    title = Text()
    scope = fields.Dict()
    status = Text(metadata={"description": "queued, building, ready или failed"})
    progress = fields.Int(metadata={"description": "0–100"})
    contents = fields.List(fields.Dict(), metadata={"description": "Какие версии каких записей вошли"})
    docx_url = fields.Function(lambda c: f"/api/v1/collections/{c.id}.docx" if c.docx_sha256 else None)
    pdf_url = fields.Function(lambda c: f"/api/v1/collections/{c.id}.pdf" if c.pdf_sha256 else None)
    error = Text()
    created_by = Text()
    created_by_name = Text(metadata={"description": "Кто собрал: имя, если известно, иначе логин"})
    created_at = fields.AwareDateTime()
    finished_at = fields.AwareDateTime(allow_none=True)
    edition = fields.Dict(metadata={"description": "Составители, аннотация, предисловие, порядок, издатель"})
    rebuilt_from = fields.Int(allow_none=True, metadata={"description": "Сборник, собранный заново этим"})


# The review workflow: which move takes an entry from which statuses to which, and who may make it.
@dataclass(frozen=True)
class Transition:
    action: str  # the event is practice_<action>
    sources: frozenset
    role: str
    needs_comment: bool = False


TRANSITIONS = {
    "submit": Transition("submitted", frozenset({"draft", "changes_requested"}), METHODIST),
    "approve": Transition("approved", frozenset({"submitted"}), REVIEWER),
    "request-changes": Transition("changes_requested", frozenset({"submitted"}), REVIEWER, needs_comment=True),
    "reject": Transition("rejected", frozenset({"submitted"}), REVIEWER, needs_comment=True),
    "withdraw": Transition("withdrawn", frozenset({"submitted", "approved"}), METHODIST),
    "archive": Transition("archived", frozenset({"draft", "changes_requested", "approved", "rejected", "withdrawn"}),
                          METHODIST),
}


# The expert workbench: rubrics, expert rounds, assignments and reviews.
RUBRIC_CODE = validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,59}$",
                             error="Латинские строчные буквы, цифры, «-» и «_», до 60 знаков")
RECOMMENDATIONS = {"approve": "Одобрить", "revise": "Доработать и подать снова", "reject": "Отклонить"}
ROUND_STATUSES = {"in_review": "Рецензирование", "third_review": "Нужен третий эксперт",
                  "complete": "Рецензии получены", "withdrawn": "Заявка отозвана с фестиваля"}


class CriterionSchema(Schema):
    code = Text(required=True, validate=RUBRIC_CODE)
    title = Text(required=True, validate=validate.Length(min=2, max=200))
    min = Int(load_default=0, validate=validate.Range(min=0, max=100))
    max = Int(required=True, validate=validate.Range(min=1, max=100))
    weight = fields.Float(load_default=1.0, validate=validate.Range(min=0.1, max=100))

    @validates_schema
    def scale_is_a_range(self, data, **kwargs):
        if data["max"] <= data.get("min", 0):
            raise ValidationError("Верх шкалы должен быть больше низа", "max")


class RubricInputSchema(Schema):
    title = Text(required=True, validate=validate.Length(min=3, max=300))
    criteria = fields.List(fields.Nested(CriterionSchema), required=True, validate=validate.Length(min=1, max=30))

    @validates_schema
    def codes_are_unique(self, data, **kwargs):
        codes = [criterion["code"] for criterion in data.get("criteria", [])]
        if len(codes) != len(set(codes)):
            raise ValidationError("Коды критериев повторяются", "criteria")


class NewRubricSchema(RubricInputSchema):
    code = Text(required=True, validate=RUBRIC_CODE, metadata={"description": "Код рубрики, общий для её версий"})


class RubricSchema(Schema):
    id = fields.Int()
    code = Text()
    version = fields.Int()
    title = Text()
    criteria = fields.List(fields.Dict())
    created_by = Text()
    created_at = fields.AwareDateTime()


class RoundInputSchema(Schema):
    rubric = Text(required=True, validate=RUBRIC_CODE,
                  metadata={"description": "Код рубрики (берётся её последняя версия)"})


class ReviewInputSchema(Schema):
    scores = fields.Dict(keys=Text(), values=Int(), required=True,
                         metadata={"description": "Балл по каждому критерию рубрики: {код: балл}"})
    recommendation = Text(load_default=None, validate=validate.OneOf(sorted(RECOMMENDATIONS)), metadata={
        "description": "Обязательна в экспертизе записи реестра; жюри фестиваля ставит только баллы"})
    comment = Text(multiline=True, load_default="", validate=validate.Length(max=10000))
    field_comments = fields.Dict(keys=Text(validate=validate.Length(min=1, max=60)),
                                 values=Text(multiline=True, validate=validate.Length(min=1, max=5000)),
                                 load_default=dict,
                                 metadata={"description": "Замечания «доработать» к полям записи: {поле: замечание}"})


class ReviewSchema(Schema):
    reviewer = Text()
    reviewer_municipality = Text(allow_none=True)
    status = Text()
    assigned_at = fields.AwareDateTime()
    submitted_at = fields.AwareDateTime(allow_none=True)
    scores = fields.Dict()
    total = fields.Float(allow_none=True, metadata={"description": "Взвешенный итог, % от шкалы"})
    recommendation = Text(allow_none=True)
    comment = Text()
    field_comments = fields.Dict()


class AssigneeSchema(Schema):
    reviewer = Text()
    reviewer_municipality = Text(allow_none=True)
    status = Text()


class RoundSchema(Schema):
    id = fields.Int()
    entry_id = fields.Int()
    entry_version = fields.Int()
    entry_title = Text()
    municipality = Text()
    status = Text()
    status_title = Text()
    created_by = Text()
    created_at = fields.AwareDateTime()
    rubric = fields.Nested(RubricSchema)
    assignments = fields.List(fields.Nested(AssigneeSchema))
    my_review = fields.Nested(ReviewSchema, allow_none=True)
    reviews = fields.List(fields.Nested(ReviewSchema))
    reviews_hidden = Text(allow_none=True, metadata={"description": "Почему рецензии других скрыты"})
    festival_id = fields.Int(allow_none=True, metadata={"description": "Фестиваль, если это оценка жюри"})
    festival_entry_id = fields.Int(allow_none=True)
    festival_title = Text(allow_none=True)


class FestivalRoundItemSchema(Schema):
    festival_entry_id = fields.Int(required=True)
    practice_id = fields.Int(required=True)
    rubric = Text(required=True, validate=RUBRIC_CODE)


class JurorSchema(Schema):
    username = Text(required=True)
    municipality = Text(required=True, allow_none=True)


class FestivalRoundsInputSchema(Schema):
    """What the festivals service sends to open its jury's rounds."""

    id = fields.Int(required=True)
    title = Text(required=True)
    panel = fields.List(fields.Nested(JurorSchema), required=True)
    entries = fields.List(fields.Nested(FestivalRoundItemSchema), required=True)


class RemarkSchema(Schema):
    """One expert's review as its author's city reads it: without the expert's name."""

    expert = fields.Int(metadata={"description": "Номер эксперта в экспертизе"})
    entry_version = fields.Int()
    total = fields.Float()
    recommendation = Text()
    comment = Text()
    field_comments = fields.Dict()


# Adoption: a city takes up another city's published practice and reports how it went.
ADOPTION_TEXT = validate.Length(min=3, max=5000)


class AdoptionInputSchema(Schema):
    changes = Text(multiline=True, required=True, validate=ADOPTION_TEXT,
                   metadata={"description": "Что изменено в адаптации по сравнению с оригиналом"})
    # API.md asks for ``changes`` only; the reason is the project's own addition, so it may be left out.
    reason = Text(multiline=True, load_default="", validate=validate.Length(max=5000),
                  metadata={"description": "Почему это изменено (необязательно)"})


class AdoptionReportInputSchema(Schema):
    text = Text(multiline=True, required=True, validate=ADOPTION_TEXT,
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
