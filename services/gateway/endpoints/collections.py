"""Collections (сборники): one call asks for one; the practices service builds it in the background."""
from nameko import config
from sqlalchemy import select
from werkzeug.wrappers import Response

from services.gateway import views
from services.gateway.http import json_response, read_json, read_query, route
from services.gateway.models import FestivalView, MunicipalityView, OrganizationView
from services.gateway.schemas import CollectionRequestSchema
from services.practices.contract import CollectionSchema
from shared.errors import Conflict
from shared.schemas import PageQuery, page_schema
from shared.storage import file_store

TAG = "Сборники лучших практик"
FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
# Who publishes a collection that is not one city's: the regional institute (DOMAIN.md).
REGIONAL_PUBLISHER = {"name": "ГБУ ДПО «Челябинский институт переподготовки и повышения квалификации "
                              "работников образования»", "place": "Челябинск", "timezone": "Asia/Yekaterinburg"}
# What a rebuild asks for again: the request's own fields, as the first collection stored them.
REQUEST_SCOPE = ("municipality", "direction", "festival_id", "winners_only")
REQUEST_EDITION = ("compilers", "annotation", "foreword", "order")


def ask_for_collection(read_model, practices, data):
    """Queue a collection of ``data`` (CollectionRequestSchema): a festival's entries or a city's practices."""
    with read_model() as session:
        festival_id = data.get("festival_id")
        if festival_id is not None:
            data["practice_ids"] = views.festival_practice_ids(session, festival_id, bool(data.get("winners_only")))
        data["city_names"] = views.municipality_names(session)
        data["publisher"] = publisher(session, data)
    return practices.request_collection(data)


def ask_for_rebuilt_collection(read_model, practices, collection_id):
    """A new collection with the parameters of ``collection_id``, from the versions published now."""
    earlier = practices.get_collection(collection_id)
    scope, edition = earlier["scope"], earlier.get("edition") or {}
    data = {"title": earlier["title"], "rebuilt_from": collection_id,
            **{key: scope[key] for key in REQUEST_SCOPE if scope.get(key) is not None},
            **{key: edition[key] for key in REQUEST_EDITION if edition.get(key)}}
    if "festival_id" not in data and scope.get("practice_ids") is not None:
        data["practice_ids"] = scope["practice_ids"]  # collections made before festivals were remembered
    return ask_for_collection(read_model, practices, data)


def publisher(session, data):
    """The issuing organisation, its city and time zone: the city's education department for one
    city's collection (or a city festival's), the regional institute otherwise."""
    code = data.get("municipality")
    if not code and data.get("festival_id") is not None:
        festival = session.get(FestivalView, data["festival_id"])
        code = festival.municipality if festival else None
    city = session.get(MunicipalityView, code) if code else None
    if city is None:
        return REGIONAL_PUBLISHER
    department = session.scalars(select(OrganizationView.name).where(
        OrganizationView.municipality == code, OrganizationView.kind == "department")
        .order_by(OrganizationView.id)).first()
    return {"name": department or f"Управление образования г. {city.name}", "place": city.name,
            "timezone": city.timezone}


@route("POST", "/api/v1/collections",
       "Собрать сборник опубликованных практик города, фестиваля, направления или всей сети", TAG,
       body=CollectionRequestSchema, response=CollectionSchema, status=202, auth=True)
def request_collection(gateway, request):
    data = read_json(request, CollectionRequestSchema())
    collection = ask_for_collection(gateway.read_model, gateway.practices, data)
    return json_response(collection, 202, headers={"Location": f"/api/v1/collections/{collection['id']}"})


@route("GET", "/api/v1/collections", "Сборники, собранные раньше: кто, когда, с какими условиями", TAG,
       query=PageQuery, response=page_schema(CollectionSchema))
def list_collections(gateway, request):
    return json_response(gateway.practices.list_collections(read_query(request, PageQuery())))


@route("POST", "/api/v1/collections/<int:collection_id>/rebuild",
       "Собрать заново: новый сборник с теми же условиями из текущих версий практик", TAG,
       response=CollectionSchema, status=202, auth=True)
def rebuild_collection(gateway, request, collection_id):
    collection = ask_for_rebuilt_collection(gateway.read_model, gateway.practices, collection_id)
    return json_response(collection, 202, headers={"Location": f"/api/v1/collections/{collection['id']}"})


@route("GET", "/api/v1/collections/<int:collection_id>", "Сборник: состояние сборки, прогресс, состав", TAG,
       response=CollectionSchema)
def get_collection(gateway, request, collection_id):
    collection = gateway.practices.get_collection(collection_id)
    for key in ("docx_sha256", "pdf_sha256"):
        collection.pop(key)
    return json_response(collection)


@route("GET", "/api/v1/collections/<int:collection_id>.<any(docx, pdf):extension>",
       "Скачать сборник (DOCX или PDF)", TAG, response_type="application/octet-stream")
def collection_file(gateway, request, collection_id, extension):
    collection = gateway.practices.get_collection(collection_id)
    digest = collection[f"{extension}_sha256"]
    if digest is None:
        raise Conflict(f"Сборник ещё не готов: {collection['status']}, {collection['progress']}%",
                       {"status": [collection["status"]]})
    return Response(file_store(config).get(digest), content_type=FORMATS[extension], headers={
        "Content-Disposition": f'attachment; filename="sbornik-{collection_id}.{extension}"'})
