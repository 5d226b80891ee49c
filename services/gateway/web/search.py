"""``/search``: one box across trials, practices, festivals and resources of every city, with facets."""
from urllib.parse import urlencode

from services.gateway import views
from services.gateway.schemas import SearchQuery
from services.gateway.web.rendering import page, render
from shared.auth import SCHOOL
from shared.errors import ValidationFailed
from shared.plugins import SEARCH_CHOICE, SEARCH_RANGE, choices_of, numbers_of
from shared.schemas import MAX_PER_PAGE, load

TYPE_TITLES = {"practice": "Практики и профпробы", "festival": "Фестивали", "resource": "Методические ресурсы"}
PER_PAGE = 20


def page_link(base, args, **changes):
    """The URL of page ``base`` with filters ``args`` and ``changes`` (None drops a filter); a new filter
    starts at page 1."""
    merged = {key: value for key, value in {**args, "page": None, **changes}.items() if value not in (None, "")}
    return f"{base}?{urlencode(merged)}" if merged else base


def link(args, **changes):
    return page_link("/search", args, **changes)


@page("GET", "/search")
def search_page(gateway, request, visitor):
    # A form sends every filter, the unused ones empty: those mean "any".
    args = {key: value for key, value in request.args.items() if value.strip()}
    if not request.args and visitor.role == SCHOOL:
        args = _usual_grade(gateway)
    errors, found = {}, None
    try:
        query = load(SearchQuery(), args)
    except ValidationFailed as error:
        errors = error.fields
    with gateway.read_model() as session:
        if not errors:
            found = views.search(session, **{"per_page": PER_PAGE, **query})
        cities = views.municipality_names(session)
    return render(request, "search.html", status=422 if errors else 200, args=args, errors=errors,
                  found=found, cities=cities, kinds=_kind_titles(found),
                  formats=choices_of(SEARCH_CHOICE), grades=numbers_of(SEARCH_RANGE), type_titles=TYPE_TITLES,
                  link=link)


def _usual_grade(gateway):
    """A school's search starts at the grade of its latest booking (a coordinator's current class)."""
    bookings = gateway.practices.list_bookings({"per_page": MAX_PER_PAGE})["items"]
    latest = max(bookings, key=lambda booking: booking["id"], default=None)
    return {"grade": str(latest["grade"])} if latest else {}


def _kind_titles(found):
    return {kind: views.kind_title(kind) for kind in (found["facets"]["kind"] if found else ())}
