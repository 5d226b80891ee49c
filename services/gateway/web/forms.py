"""Forms: what a browser posts, turned into the input of the same marshmallow schemas the API uses.

An entry form is built from its kind's schema (the common fields plus the kind's own), so a kind
added as a plugin gets its form without a template of its own.
"""
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from marshmallow import Schema, ValidationError, fields, validate

from services.practices.contract import CommonContentSchema, content_schema
from shared.licenses import LICENSES
from shared.plugins import directions, entry_kinds
from shared.schemas import MAX_ID, Day, DirectionCode, Text, form_number, load

# The common fields' labels; a kind's own fields are labelled by its plugin (EntryKindPlugin.label).
LABELS = {
    "title": "Название", "summary": "Краткое описание", "direction": "Направление",
    "organization": "Организация-автор или провайдер", "tags": "Ключевые слова", "license": "Лицензия",
}
LICENCE_TITLES = {code: item.title for code, item in LICENSES.items()}
LONG_TEXT = 1000  # longer strings get a multi-line box


class SessionChoiceSchema(Schema):
    """Which session of a trial a booking form is for (the booking itself is BookingInputSchema)."""

    session_id = fields.Int(required=True)


class SessionFormSchema(Schema):
    """A session as a methodist types it: a day and local times (SessionInputSchema wants exact instants)."""

    day = Day(required=True)
    starts_at = fields.Time(required=True)
    ends_at = fields.Time(required=True)
    capacity = fields.Int(required=True, validate=validate.Range(min=1, max=1000))
    place = Text(load_default="", validate=validate.Length(max=300))


class RevisionFormSchema(Schema):
    """The entry's revision an edit form was filled in from (its hidden field)."""

    revision = fields.Int(load_default=None, validate=validate.Range(min=0, max=MAX_ID))


def form_revisions(form):
    """What the edit may be made to: ``[revision]`` of the form's hidden field; None for a form without
    one (opened before forms carried it), which saves as it always did."""
    given = form.get("revision", "").strip()
    revision = load(RevisionFormSchema(), {"revision": given} if given else {})["revision"]
    return None if revision is None else [revision]


def session_input(when, zone):
    """SessionInputSchema's input from SessionFormSchema's output, in the city's time zone ``zone``."""
    return {"starts_at": datetime.combine(when["day"], when["starts_at"], zone).isoformat(),
            "ends_at": datetime.combine(when["day"], when["ends_at"], zone).isoformat(),
            "capacity": when["capacity"], "place": when["place"]}


# One leading slash, then anything but a slash or backslash (``//host`` and ``/\host`` name another
# site to browsers), and no backslash, control character (browsers drop tabs and line breaks, which
# would turn ``/<tab>/host`` into ``//host``; a line break in ``Location`` splits the header) anywhere.
SAME_SITE_PATH = re.compile(r"/(?![/\\])[^\\\x00-\x1f\x7f-\x9f]*")
# Characters that keep their meaning in a URL; everything else is percent-encoded for the header.
URL_CHARACTERS = "/?#[]@!$&'()*+,;=:%~"


class SameSitePath(fields.Str):
    """An address on this site to go to after signing in, ready for a ``Location`` header (ASCII)."""

    default_error_messages = {"invalid_path": "Только адрес на этом сайте: начинается с одной «/»"}

    def _deserialize(self, value, attr, data, **kwargs):
        path = super()._deserialize(value, attr, data, **kwargs)
        if len(path) > 2000 or not SAME_SITE_PATH.fullmatch(path):
            raise self.make_error("invalid_path")
        return quote(path, safe=URL_CHARACTERS)


class NextSchema(Schema):
    next = SameSitePath(required=True)


def next_path(value, default="/"):
    """Where to go after signing in: ``value`` when it is a path of this site, else the home page
    (``default`` when nothing was asked for)."""
    if not value:
        return default
    try:
        return NextSchema().load({"next": value})["next"]
    except ValidationError:
        return "/"


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    widget: str  # text, textarea, number, select, checks, list
    required: bool
    choices: tuple = ()  # (value, title) pairs of select and checks


def form_dict(request):
    """Single-valued form fields without the CSRF token."""
    return {key: value for key, value in request.form.items() if key != "csrf_token"}


def entry_fields(kind):
    """The form's fields: the common ones first (title leads), then the kind's own."""
    declared, common = content_schema(kind)._declared_fields, CommonContentSchema._declared_fields
    names = [*common, *(name for name in declared if name not in common)]
    return [_form_field(name, declared[name], entry_kinds()[kind]) for name in names]


def _form_field(name, field, plugin):
    """The form's field for ``name``, labelled and its choices titled by the kind's ``plugin``."""
    label = LABELS.get(name) or plugin.label(name)
    titles = LICENCE_TITLES if name == "license" else plugin.choice_titles.get(name, {})
    one_of = _validator(field, validate.OneOf)
    if isinstance(field, fields.List):
        inner_range = _validator(field.inner, validate.Range)
        if isinstance(field.inner, fields.Integer) and inner_range:
            choices = tuple((str(n), str(n)) for n in range(inner_range.min, inner_range.max + 1))
            return FormField(name, label, "checks", field.required, choices)
        return FormField(name, f"{label} (через запятую)", "list", field.required)
    if isinstance(field, DirectionCode):  # the closed list, with plugins' directions
        return FormField(name, label, "select", field.required, tuple(directions().items()))
    if one_of:
        return FormField(name, label, "select", field.required,
                         tuple((str(value), titles.get(value, value)) for value in one_of.choices))
    if isinstance(field, fields.Number):
        unit = plugin.units.get(name)
        return FormField(name, f"{label}, {unit}" if unit else label, "number", field.required)
    length = _validator(field, validate.Length)
    return FormField(name, label, "textarea" if length and (length.max or 0) > LONG_TEXT else "text", field.required)


def _validator(field, kind):
    return next((v for v in field.validators if isinstance(v, kind)), None)


def typed_values(kind, form):
    """What the person typed, per field, to show it again beside the errors."""
    return {f.name: form.getlist(f.name) if f.widget == "checks" else form.get(f.name, "")
            for f in entry_fields(kind)}


def entry_input(kind, form, partial=False):
    """The entry content of a posted form, checked by the kind's schema: ``(data, errors)``.

    Empty optional fields are left out so that the schema's defaults apply (and, when editing, so
    that what is stored stays as it is unless changed).
    """
    data = {}
    for field in entry_fields(kind):
        if field.widget == "checks":  # a range field: digits as integers, anything else left to be refused
            data[field.name] = [form_number(item) for item in form.getlist(field.name)]
        elif field.widget == "list":
            data[field.name] = [item.strip() for item in form.get(field.name, "").replace("\n", ",").split(",")
                                if item.strip()]
        elif form.get(field.name, "").strip() or field.widget in ("text", "textarea") and field.name in form:
            data[field.name] = form[field.name].strip()
    try:
        return content_schema(kind)(partial=partial).load(data), {}
    except ValidationError as error:
        return None, error.messages
