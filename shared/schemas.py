"""Base schemas and the helpers every edge uses to validate input with them."""
from functools import cache

from marshmallow import Schema, ValidationError, fields, validate

from shared import messages_ru  # noqa: F401  (Russian validation messages)
from shared.errors import validation_failed

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


class RecordId(fields.Int):
    """The id of a stored record in input: a positive 32-bit integer (beyond it a database would fail)."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


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
    code = fields.Str(required=True)
    message = fields.Str(required=True)
    fields = fields.Dict(keys=fields.Str(), values=fields.Raw(), required=True,
                         metadata={"description": "Причины по полям; {} — если дело не в конкретном поле"})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


class IdentitySchema(Schema):
    username = fields.Str(required=True)
    role = fields.Str(required=True)
    municipality = fields.Str(allow_none=True)
