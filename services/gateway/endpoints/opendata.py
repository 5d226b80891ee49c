"""Open data: schema.org JSON-LD of published entries and festivals, and the registry as CSV and JSON Lines.

All of it is read from the read model; the exports are streamed a batch at a time.
"""
from marshmallow import Schema
from werkzeug.wrappers import Response

from services.gateway import opendata
from services.gateway.http import json_text, route
from shared.schemas import Text

TAG = "Открытые данные"
JSON_LD_TYPE = "application/ld+json; charset=utf-8"
CSV_TYPE = "text/csv; charset=utf-8"
JSONL_TYPE = "application/x-ndjson; charset=utf-8"
CSV_SUMMARY = ("Весь опубликованный реестр в CSV (UTF-8 с BOM, разделитель — запятая; столбцы: "
               + ", ".join(opendata.COLUMNS) + ")")
JSONL_SUMMARY = "Весь опубликованный реестр в JSON Lines: одна запись — одна строка JSON с теми же полями, что в CSV"


class JsonLdSchema(Schema):
    """A schema.org document (the properties depend on its @type; see services/gateway/linked_data.py)."""

    context = Text(data_key="@context", metadata={"example": "https://schema.org"})
    type = Text(data_key="@type", metadata={"description": "Course, LearningResource или Event"})
    id = Text(data_key="@id", metadata={"description": "Адрес страницы на платформе"})


def base_url(request):
    return request.host_url.rstrip("/")


def json_ld_response(document):
    return Response(json_text(document), content_type=JSON_LD_TYPE)


def download(lines, content_type, filename):
    return Response(lines, content_type=content_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@route("GET", "/api/v1/practices/<int:entry_id>.jsonld",
       "Опубликованная запись в schema.org JSON-LD: профпроба — Course с занятиями и свободными местами, "
       "практика — LearningResource", TAG, response=JsonLdSchema, response_type="application/ld+json")
def practice_json_ld(gateway, request, entry_id):
    with gateway.read_model() as session:
        return json_ld_response(opendata.entry_json_ld(session, entry_id, base_url(request)))


@route("GET", "/api/v1/festivals/<int:festival_id>.jsonld",
       "Фестиваль в schema.org JSON-LD: Event, пункты программы — subEvent", TAG,
       response=JsonLdSchema, response_type="application/ld+json")
def festival_json_ld(gateway, request, festival_id):
    with gateway.read_model() as session:
        return json_ld_response(opendata.festival_json_ld(session, festival_id, base_url(request)))

# /export/practices.* are the contract's names (API.md); /export/registry.* came first and stay.
@route("GET", "/api/v1/export/practices.csv", CSV_SUMMARY, TAG, response_type="text/csv")
def export_practices_csv(gateway, request):
    return _csv(gateway, request)


@route("GET", "/api/v1/export/registry.csv", CSV_SUMMARY + "; прежний адрес /export/practices.csv", TAG,
       response_type="text/csv")
def export_csv(gateway, request):
    return _csv(gateway, request)


@route("GET", "/api/v1/export/practices.jsonl", JSONL_SUMMARY, TAG, response_type="application/x-ndjson")
def export_practices_jsonl(gateway, request):
    return _jsonl(gateway, request)


@route("GET", "/api/v1/export/registry.jsonl", JSONL_SUMMARY + "; прежний адрес /export/practices.jsonl", TAG,
       response_type="application/x-ndjson")
def export_jsonl(gateway, request):
    return _jsonl(gateway, request)


def _csv(gateway, request):
    rows = opendata.export_rows(gateway.read_model, base_url(request))
    return download(opendata.csv_lines(rows), CSV_TYPE, "reestr-praktik.csv")


def _jsonl(gateway, request):
    rows = opendata.export_rows(gateway.read_model, base_url(request))
    return download(opendata.jsonl_lines(rows), JSONL_TYPE, "reestr-praktik.jsonl")
