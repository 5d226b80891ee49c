"""The practices service's public contract: what its RPC methods accept and return."""
import copy
from functools import cache

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.licenses import license_field
from shared.plugins import entry_kinds
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
    format = Text(validate=validate.OneOf(["in_person", "remote", "mixed"]))
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


class ImportRowSchema(Schema):
    row = Int(required=True)
    values = fields.Dict(keys=Text(), required=True)


class ImportSchema(Schema):
    rows = fields.List(fields.Nested(ImportRowSchema), required=True)
    dry_run = fields.Bool(load_default=True)


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


class StoredFileSchema(ResourceSchema):
    sha256 = Text()


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


class StoredCollectionSchema(CollectionSchema):
    docx_sha256 = Text(allow_none=True)
    pdf_sha256 = Text(allow_none=True)
