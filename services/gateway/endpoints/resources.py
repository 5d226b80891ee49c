"""Methodical resources: files are checked by content and kept in the file store; the practices
service owns their record; listings come from the read model."""
from urllib.parse import quote

from nameko import config
from werkzeug.wrappers import Response

from services.gateway import views
from services.gateway.http import json_response, read_json, read_query, route
from services.gateway.schemas import ResourceQuery, ResourceUploadSchema, SearchPageSchema
from services.practices.contract import ResourceSchema
from shared.errors import BadRequest, PayloadTooLarge
from shared.filetypes import inspect
from shared.schemas import form_numbers, load
from shared.storage import file_store

TAG = "Методические ресурсы"


def max_upload_bytes():
    return int(config.get("MAX_UPLOAD_MB", 50)) * 1024 * 1024


def resource_from_form(form, upload):
    """A resource's fields from a multipart form, its file (if any) checked by content and stored."""
    data = load(ResourceUploadSchema(), form_numbers(form, ("practice_id", "festival_id")))
    if upload is not None:
        data.update(_store(upload))
    return data


def _store(upload):
    content = upload.read(max_upload_bytes() + 1)
    if len(content) > max_upload_bytes():
        raise PayloadTooLarge("Файл слишком большой", {"file": ["Слишком большой файл"]})
    if not content:
        raise BadRequest("Файл пустой", {"file": ["Пустой файл"]})
    media_type = inspect(content, upload.mimetype, upload.filename)
    digest = file_store(config).put(content)
    return {"sha256": digest, "size": len(content), "media_type": media_type,
            "filename": (upload.filename or "")[:300] or None}


@route("POST", "/api/v1/resources",
       "Поделиться ресурсом: файл (PDF, DOCX, XLSX, PPTX, изображение) или ссылка (например, на видео)", TAG,
       body=ResourceUploadSchema, response=ResourceSchema, status=201, auth=True, upload="file")
def add_resource(gateway, request):
    limit = max_upload_bytes()
    if request.content_length and request.content_length > limit:
        raise PayloadTooLarge(f"Файл больше {limit // (1024 * 1024)} МБ", {"file": ["Слишком большой файл"]})
    if request.mimetype == "multipart/form-data":
        data = resource_from_form(request.form.to_dict(), request.files.get("file"))
    else:
        data = read_json(request, ResourceUploadSchema())
    return json_response(gateway.practices.add_resource(data), 201)


@route("GET", "/api/v1/resources", "Ресурсы всех городов: поиск и фильтр по городу", TAG,
       query=ResourceQuery, response=SearchPageSchema)
def list_resources(gateway, request):
    query = read_query(request, ResourceQuery())
    with gateway.read_model() as session:
        return json_response(views.search(session, doc_type="resource", **query))


@route("GET", "/api/v1/resources/<int:resource_id>", "Ресурс", TAG, response=ResourceSchema)
def get_resource(gateway, request, resource_id):
    resource = gateway.practices.get_resource(resource_id)
    resource.pop("sha256", None)
    return json_response(resource)


@route("GET", "/api/v1/resources/<int:resource_id>/file", "Скачать файл ресурса (байт в байт)", TAG,
       response_type="application/octet-stream")
def resource_file(gateway, request, resource_id):
    resource = gateway.practices.get_resource(resource_id)
    if not resource.get("sha256"):
        raise BadRequest("У этого ресурса нет файла: это ссылка", {"url": [resource.get("url") or ""]})
    content = file_store(config).get(resource["sha256"])
    filename = resource["filename"] or f"resource-{resource_id}"
    return Response(content, content_type=resource["media_type"], headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
        "X-Content-Type-Options": "nosniff"})
