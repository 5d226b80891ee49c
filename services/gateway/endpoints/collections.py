"""Collections (сборники): one call asks for one; the practices service builds it in the background."""
from nameko import config
from werkzeug.wrappers import Response

from services.gateway import views
from services.gateway.http import json_response, read_json, route
from services.gateway.schemas import CollectionRequestSchema
from services.practices.schemas import CollectionSchema
from shared.errors import Conflict
from shared.storage import file_store

TAG = "Сборники лучших практик"
FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def ask_for_collection(read_model, practices, data):
    """Queue a collection of ``data`` (CollectionRequestSchema): a festival's entries or a city's practices."""
    with read_model() as session:
        festival_id = data.pop("festival_id", None)
        if festival_id is not None:
            data["practice_ids"] = views.festival_practice_ids(session, festival_id)
        data["city_names"] = views.municipality_names(session)
    return practices.request_collection(data)


class CollectionEndpoints:
    @route("POST", "/api/v1/collections",
           "Собрать сборник опубликованных практик города, фестиваля, направления или всей сети", TAG,
           body=CollectionRequestSchema, response=CollectionSchema, status=202, auth=True)
    def request_collection(self, request):
        collection = ask_for_collection(self.read_model, self.practices, read_json(request, CollectionRequestSchema()))
        return json_response(collection, 202, headers={"Location": f"/api/v1/collections/{collection['id']}"})

    @route("GET", "/api/v1/collections/<int:collection_id>", "Сборник: состояние сборки, прогресс, состав", TAG,
           response=CollectionSchema)
    def get_collection(self, request, collection_id):
        collection = self.practices.get_collection(collection_id)
        for key in ("docx_sha256", "pdf_sha256"):
            collection.pop(key)
        return json_response(collection)

    @route("GET", "/api/v1/collections/<int:collection_id>.<any(docx, pdf):extension>",
           "Скачать сборник (DOCX или PDF)", TAG, response_type="application/octet-stream")
    def collection_file(self, request, collection_id, extension):
        collection = self.practices.get_collection(collection_id)
        digest = collection[f"{extension}_sha256"]
        if digest is None:
            raise Conflict(f"Сборник ещё не готов: {collection['status']}, {collection['progress']}%",
                           {"status": [collection["status"]]})
        return Response(file_store(config).get(digest), content_type=FORMATS[extension], headers={
            "Content-Disposition": f'attachment; filename="sbornik-{collection_id}.{extension}"'})
