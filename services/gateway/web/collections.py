"""Collections (сборники): ask for one in a form, watch it being typeset, download DOCX or PDF; the
collections built before, each can be built again from the versions published now."""
import functools

from services.gateway import views
from services.gateway.endpoints.collections import ask_for_collection, ask_for_rebuilt_collection
from services.gateway.schemas import CollectionRequestSchema
from services.gateway.web.forms import form_dict
from services.gateway.web.rendering import page, redirect, render
from services.gateway.web.search import page_link
from services.practices.contract import COLLECTION_ORDERS
from shared.auth import ADMIN, METHODIST, REVIEWER
from shared.errors import Forbidden, Unauthorized, ValidationFailed
from shared.schemas import PageQuery, load

BUILDERS = (METHODIST, REVIEWER, ADMIN)


@page("GET", "/collections")
def collections_page(gateway, request, visitor):
    query = load(PageQuery(), {key: request.args[key] for key in ("page",) if key in request.args})
    found = gateway.practices.list_collections({**query, "per_page": 20})
    with gateway.read_model() as session:
        cities = views.municipality_names(session)
        festivals = {f["id"]: f["title"] for f in views.festival_states(session)}
    return render(request, "collections.html", found=found, link=functools.partial(page_link, "/collections"),
                  cities=cities, festivals=festivals, orders=COLLECTION_ORDERS, may_build=visitor.role in BUILDERS)


@page("GET", "/collections/new")
def new_collection_page(gateway, request, visitor):
    _may_build(visitor)
    typed = {"municipality": visitor.identity.municipality or ""}
    return _collection_form(gateway, request, typed=typed, errors={})


@page("POST", "/collections/new")
def create_collection_page(gateway, request, visitor):
    _may_build(visitor)
    form = form_dict(request)
    try:
        data = load(CollectionRequestSchema(), {key: value for key, value in form.items() if value.strip()})
        collection = ask_for_collection(gateway.read_model, gateway.practices, data)
    except ValidationFailed as error:
        return _collection_form(gateway, request, typed=form, errors=error.fields, status=error.status)
    return redirect(f"/collections/{collection['id']}")


@page("POST", "/collections/<int:collection_id>/rebuild")
def rebuild_collection_page(gateway, request, visitor, collection_id):
    _may_build(visitor)
    collection = ask_for_rebuilt_collection(gateway.read_model, gateway.practices, collection_id)
    return redirect(f"/collections/{collection['id']}")


def _collection_form(gateway, request, typed, errors, status=200):
    with gateway.read_model() as session:
        cities = views.municipality_names(session)
        festivals = views.festival_states(session)
    return render(request, "collection_form.html", status=status, typed=typed, errors=errors, cities=cities,
                  festivals=festivals, orders=COLLECTION_ORDERS)


@page("GET", "/collections/<int:collection_id>")
def collection_page(gateway, request, visitor, collection_id):
    return render(request, "collection.html", collection=gateway.practices.get_collection(collection_id),
                  may_build=visitor.role in BUILDERS)


def _may_build(visitor):
    if visitor.identity is None:
        raise Unauthorized("Нужно войти в систему")
    if visitor.role not in BUILDERS:
        raise Forbidden("Собирать сборники могут методисты, эксперты и администраторы")
