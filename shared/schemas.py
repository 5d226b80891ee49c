"""Base schemas and fields, and the helpers every edge uses to validate input with them.

Every schema builds on these fields: :class:`Text` for every string (what characters a person may
send), :class:`Int` for every count or number in a JSON body (no coercion from ``4.5`` or ``"4"``),
:class:`Moment` and :class:`Day` for every date (within a sane range).
"""
import datetime as dt
from functools import cache

from marshmallow import Schema, ValidationError, fields, validate

from shared import messages_ru  # noqa: F401  (Russian validation messages)
from shared.errors import validation_failed
from shared.plugins import direction_code, directions
from shared.text import first_bad_character, printable

MAX_PER_PAGE = 100
# Ids are 32-bit integers in every database (PostgreSQL ``integer``); a larger one names nothing.
MAX_ID = 2**31 - 1
MAX_PAGE = 100_000


def load(schema, data):
    """Validate ``data`` with ``schema``; bad input becomes a 422 naming each field."""
    try:
        return schema.load(data)
    except ValidationError as error:
        raise validation_failed(error) from None


@cache
def reused(schema_cls):
    """One instance of ``schema_cls`` for the whole process, for what runs on every booking, command
    or event: building a schema deep-copies its declared fields (a nested schema's on first use), which
    costs more than most loads and dumps; loading and dumping leave the instance as it was."""
    return schema_cls()


# Usernames travel in paths, logs and file names: lowercase Latin letters, digits and . _ - only.
USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{2,63}$"
FIRST_YEAR, LAST_YEAR = 2000, 2100


class Text(fields.String):
    """A string a person typed: no control characters (tab and line breaks only when ``multiline``), no
    Unicode noncharacters, no unpaired surrogates; trimmed, and a required one may not be blank."""

    default_error_messages = {
        "line_break": "Перевод строки и табуляция здесь не допускаются.",
        "control": "Недопустимый управляющий символ (код U+{code:04X}).",
        "surrogate": "Испорченный текст: непарный суррогатный символ (U+{code:04X}).",
        "noncharacter": "Недопустимый символ U+{code:04X}.",
    }

    def __init__(self, *, multiline=False, trim=True, **kwargs):
        super().__init__(**kwargs)
        self.multiline, self.trim = multiline, trim

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        bad = first_bad_character(text, self.multiline)
        if bad:
            kind, character = bad
            raise self.make_error(kind, code=ord(character))
        if self.trim:
            text = text.strip()
            if self.multiline:  # one kind of line break, whatever the sender's system
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            if self.required and not text:
                raise self.make_error("required")
        return text


class DirectionCode(Text):
    """A direction from the closed list (``shared.plugins.directions``): its code or its Russian title,
    loaded as the code. ``strict=False`` (search filters) passes unknown text on as it is, so a link
    made before the list existed still answers (empty) rather than an error."""

    default_error_messages = {"unknown": "Выберите направление из списка: {choices}."}

    def __init__(self, *, strict=True, **kwargs):
        super().__init__(**kwargs)
        self.strict = strict

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not text:
            return text
        code = direction_code(text)
        if code is None and self.strict:
            raise self.make_error("unknown", choices=", ".join(f"{c} ({t})" for c, t in directions().items()))
        return code or text


class StoredText(Text):
    """Text the network wrote itself (event payloads): characters no output may carry are dropped
    rather than refused, so a record stored before the rules cannot stop its events; kept as sent."""

    def __init__(self, **kwargs):
        super().__init__(multiline=True, trim=False, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(printable(value), attr, data, **kwargs)


def Username(**kwargs):  # noqa: N802  (a field factory, used like a field class)
    """An account's name: 3 to 64 lowercase latin letters, digits, dot, dash and underscore, starting with a
    letter or digit."""
    return Text(validate=validate.Regexp(
        USERNAME_PATTERN, error="От 3 до 64 символов: строчные латинские буквы, цифры и . _ -, "
                                "первым — буква или цифра"), **kwargs)


class Int(fields.Integer):
    """An integer of a JSON body: ``4.5`` and ``"4"`` are refused, not coerced (query strings and
    forms, where everything is a string, use marshmallow's ``fields.Int``, which parses digits)."""

    def __init__(self, *, strict=True, **kwargs):
        super().__init__(strict=strict, **kwargs)


def form_number(value):
    """A form's digit string as an integer: a form sends every value as a string, and :class:`Int`
    refuses strings. Anything else is returned as it is, for the schema to refuse (``"4.5"`` too)."""
    digits = value.strip() if isinstance(value, str) else None
    return int(digits) if digits and digits.isascii() and digits.isdigit() else value


def form_numbers(data, names):
    """``data`` with the values of the fields ``names`` passed through :func:`form_number`."""
    return {key: form_number(value) if key in names else value for key, value in data.items()}


def _check_year(field, value):
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise field.make_error("out_of_range")
    return value


class Moment(fields.AwareDateTime):
    """A date and time with its time zone, between the years 2000 and 2100 (beyond them a time zone
    shift could overflow, and no session or festival is that far)."""

    default_error_messages = {"out_of_range": f"Дата должна быть между {FIRST_YEAR} и {LAST_YEAR} годами."}

    def _deserialize(self, value, attr, data, **kwargs):
        return _check_year(self, super()._deserialize(value, attr, data, **kwargs))


class Day(fields.Date):
    """A calendar date between the years 2000 and 2100."""

    default_error_messages = {"out_of_range": f"Дата должна быть между {FIRST_YEAR} и {LAST_YEAR} годами."}

    def _deserialize(self, value, attr, data, **kwargs):
        return _check_year(self, super()._deserialize(value, attr, data, **kwargs))


def not_in_past(value):
    """A validator: the moment has not passed yet."""
    if value < dt.datetime.now(dt.UTC):
        raise ValidationError("Это время уже прошло: укажите будущую дату.")


class RecordId(Int):
    """The id of a stored record in a JSON body: a positive 32-bit integer (beyond it a database would fail)."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class ExpectedRevisionsSchema(Schema):
    """Which revisions of a record a change may be made to (what the client read: ``If-Match``);
    None when the client set no condition. An empty list matches nothing."""

    revisions = fields.List(fields.Int(strict=True, validate=validate.Range(min=0, max=MAX_ID)),
                            allow_none=True, load_default=None, validate=validate.Length(max=1000))


class PageQuery(Schema):
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Int(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))


def page_of(items, total, page, per_page):
    return {"items": items, "total": total, "page": page, "per_page": per_page}


def page_of_list(items, page=1, per_page=MAX_PER_PAGE):
    """The list envelope around one page of ``items``, a whole (short) list an owner answered at once."""
    start = (page - 1) * per_page
    return page_of(items[start:start + per_page], len(items), page, per_page)


@cache  # one schema class per item schema: OpenAPI names it once, however many routes answer it
def page_schema(item_schema):
    """The list envelope of API.md around ``item_schema``."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema)),
            "total": fields.Int(),
            "page": fields.Int(),
            "per_page": fields.Int(),
        },
        name=f"{item_schema.__name__.removesuffix('Schema')}PageSchema",
    )


class ErrorDetailSchema(Schema):
    code = Text(required=True)
    message = Text(required=True)
    fields = fields.Dict(keys=Text(), values=fields.Raw(), required=True,
                         metadata={"description": "Причины по полям; {} — если дело не в конкретном поле"})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


class IdentitySchema(Schema):
    username = Text(required=True)
    role = Text(required=True)
    municipality = Text(allow_none=True)
