"""Schemas of what only the gateway speaks: tokens, health. Services' own contracts live with them."""
from marshmallow import Schema, fields, validate

from services.practices.contract import STATUS_TITLES, AdoptionSchema, CollectionEditionSchema, SessionSchema
from shared.licenses import license_field
from shared.plugins import ORGANIZATION_KINDS, SEARCH_CHOICE, choices_of
from shared.schemas import DirectionCode, IdentitySchema, PageQuery, RecordId, Text


class UserSchema(IdentitySchema):
    """The signed-in person as the API shows them."""

    full_name = Text(required=True, metadata={"example": "Ирина Петровна Соколова"})
    position = Text(metadata={"example": "методист"})


class TokenSchema(Schema):
    access_token = Text(required=True)
    token_type = Text(required=True, metadata={"example": "bearer"})
    expires_in = fields.Int(required=True, metadata={"description": "секунд до истечения"})
    user = fields.Nested(UserSchema, required=True)


class RequestIdSchema(Schema):
    """The correlation id a client may give a request (``X-Request-Id`` or ``X-Correlation-Id``)."""

    request_id = Text(data_key="X-Request-Id", required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9._:/+=-]{1,128}$",
        error="До 128 символов: латинские буквы, цифры и . _ : / + = -"))


ENTITY_TAG = r'(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"'


class IfMatchSchema(Schema):
    """The ``If-Match`` header of a change (RFC 9110): ``*`` or entity tags separated by commas."""

    if_match = Text(data_key="If-Match", required=True, validate=[
        validate.Length(max=2000),
        validate.Regexp(rf"^\s*(?:\*|{ENTITY_TAG}(?:\s*,\s*{ENTITY_TAG})*)\s*$",
                        error='Ожидался ETag из ответа на GET в кавычках, например "7", или *')])


class HealthSchema(Schema):
    status = Text(required=True, metadata={"example": "ok", "description": "ok или degraded (ответ 503)"})
    broker = Text(required=True, metadata={"description": "ok, или unavailable: шлюз не может связаться с RabbitMQ"})
    services = fields.Dict(keys=Text(), values=Text(), required=True, metadata={
        "description": "ok, unavailable (сервис не ответил) или unknown (недоступен брокер)"})
    databases = fields.Dict(keys=Text(), values=Text(), required=True, metadata={
        "description": "база каждого сервиса и шлюза: ok, unavailable или unknown (сервис не ответил)"})
    read_model = Text(metadata={"description": "ok, или catching_up пока модель чтения догоняет журналы"})
    projector = Text(metadata={"description": "ok, или unavailable: обработчик событий шлюза молчит дольше 10 с"})
    worker = fields.Int(metadata={"description": "номер процесса (PID) HTTP-обработчика шлюза, давшего ответ"})
    message = Text(metadata={"description": "что именно не работает (только при status degraded)"})


class OrganizationViewSchema(Schema):
    id = fields.Int(required=True)
    municipality = Text(required=True)
    name = Text(required=True)
    kind = Text(required=True)
    kind_title = fields.Function(lambda org: ORGANIZATION_KINDS.get(org.kind, org.kind))


class SearchQuery(PageQuery):
    q = Text(validate=validate.Length(max=200), metadata={"description": "Слова в любой форме или начало слова"})
    type = Text(data_key="type", attribute="doc_type",
                validate=validate.OneOf(["practice", "festival", "resource"]))
    kind = Text(validate=validate.Length(max=40))
    municipality = Text(validate=validate.Length(max=40))
    direction = DirectionCode(strict=False, validate=validate.Length(max=200))
    grade = fields.Int(validate=validate.Range(min=1, max=11))
    format = Text(validate=validate.OneOf(choices_of(SEARCH_CHOICE)))


PUBLISHED_STATUSES = ("approved", "published")  # «published» is the word a guest would use for «approved»


class PracticeListQuery(SearchQuery):
    status = Text(validate=validate.OneOf([*STATUS_TITLES, "published"]), metadata={"description": (
        "Состояние. approved (или published) — опубликованные, доступно и гостям; остальные состояния — "
        "для методистов (своего города), экспертов и администраторов, гостю — 403")})

    class Meta:
        exclude = ("type",)


class SearchItemSchema(Schema):
    type = Text(metadata={"description": "practice, festival или resource"})
    id = fields.Int()
    kind = Text()
    kind_title = Text()
    municipality = Text()
    municipality_name = Text()
    title = Text()
    summary = Text()
    href = Text(metadata={"description": "Адрес записи в API"})
    score = fields.Float(allow_none=True)
    sessions = fields.List(fields.Nested(SessionSchema(exclude=("practice_id",))),
                           metadata={"description": "Ближайшие занятия"})
    seats_left = fields.Int(allow_none=True)


class SearchPageSchema(Schema):
    items = fields.List(fields.Nested(SearchItemSchema))
    total = fields.Int()
    page = fields.Int()
    per_page = fields.Int()
    facets = fields.Dict(keys=Text(), values=fields.Dict(keys=Text(), values=fields.Int()))


class MunicipalityStatsSchema(Schema):
    code = Text()
    name = Text()
    region = Text()
    entries = fields.Dict(metadata={"description": "{вид: {состояние: число}} — все записи, включая черновики"})
    published = fields.Dict(keys=Text(), values=fields.Int())
    upcoming_sessions = fields.Int()
    free_trial_seats = fields.Int()
    upcoming_festivals = fields.Int()


class NetworkStatsSchema(Schema):
    municipalities = fields.List(fields.Nested(MunicipalityStatsSchema))
    totals = fields.Dict()


class ImportQuery(Schema):
    dry_run = fields.Bool(load_default=True, metadata={"description": "true — только проверить и показать отчёт"})
    token = Text(validate=validate.Regexp(r"^[A-Za-z0-9_-]{20,64}$", error="Неверный токен проверенного файла"),
                 metadata={"description": "Токен из отчёта проверки (dry_run=true без ошибок): импортировать "
                                          "проверенный файл без повторной загрузки; хранится час"})


class CalendarQuery(Schema):
    municipality = Text(validate=validate.Regexp(r"^[a-z0-9_-]{1,40}$",
                                                 error="Код города: латинские буквы, цифры, - и _"),
                        metadata={"description": "Код города или region для региональных"})


class ResourceUploadSchema(Schema):
    """The form fields of a resource; the file itself comes in the multipart field ``file``."""

    title = Text(required=True, validate=validate.Length(min=2, max=300))
    description = Text(multiline=True, load_default="", validate=validate.Length(max=5000))
    url = fields.Url(load_default=None, allow_none=True, schemes={"http", "https"},
                     metadata={"description": "Ссылка вместо файла (например, на видео)"})
    practice_id = RecordId(load_default=None, allow_none=True)
    festival_id = RecordId(load_default=None, allow_none=True)
    license = license_field()


class ResourceQuery(PageQuery):
    q = Text(validate=validate.Length(max=200))
    municipality = Text(validate=validate.Length(max=40))


class CollectionRequestSchema(CollectionEditionSchema):
    title = Text(required=True, validate=validate.Length(min=3, max=300),
                       metadata={"example": "Сборник лучших практик Кыштыма"})
    municipality = Text(load_default=None, allow_none=True, validate=validate.Length(max=40))
    festival_id = RecordId(load_default=None, allow_none=True)
    winners_only = fields.Bool(load_default=None, allow_none=True, metadata={
        "description": "С festival_id: только практики с местом или званием лауреата (сборник победителей)"})
    direction = DirectionCode(strict=False, load_default=None, allow_none=True, validate=validate.Length(max=200))


CITY_CODE = validate.Regexp(r"^[a-z0-9_-]{1,40}$", error="Код города: латинские буквы, цифры, - и _")


class AdoptionViewSchema(AdoptionSchema):
    original_municipality_name = Text()
    adopter_municipality_name = Text()


class AdoptionQuery(PageQuery):
    adopter = Text(validate=CITY_CODE, metadata={"description": "Код города, который внедряет"})
    original = Text(validate=CITY_CODE, metadata={"description": "Код города — автора оригинала"})
    awaiting_report = fields.Bool(load_default=False,
                                  metadata={"description": "true — только те, у кого запрошен и не дан отчёт"})


class SpreadPracticeSchema(Schema):
    entry_id = fields.Int(required=True)
    title = Text(required=True)
    municipality = Text(required=True)
    municipality_name = Text(required=True)
    adoptions = fields.Int(required=True)
    reported = fields.Int(required=True, metadata={"description": "из них с отчётом о результатах"})


class SpreadPairSchema(Schema):
    from_ = Text(data_key="from", required=True, metadata={"description": "город — автор практики"})
    from_name = Text(required=True)
    to = Text(required=True, metadata={"description": "город, который её внедрил"})
    to_name = Text(required=True)
    adoptions = fields.Int(required=True)
    reported = fields.Int(required=True)


class SpreadSchema(Schema):
    practices = fields.List(fields.Nested(SpreadPracticeSchema), required=True)
    city_pairs = fields.List(fields.Nested(SpreadPairSchema), required=True)
