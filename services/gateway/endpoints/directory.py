"""Municipalities and organisations, from the read model; the list of directions."""
from marshmallow import Schema

from services.catalog.contract import MunicipalitySchema, OrganizationQuery
from services.gateway import directory
from services.gateway.http import json_response, read_query, route
from services.gateway.schemas import OrganizationViewSchema
from shared import plugins
from shared.schemas import PageQuery, Text, page_of, page_of_list, page_schema

TAG = "Справочник"


class DirectionSchema(Schema):
    code = Text(metadata={"description": "Код, который принимают записи и фильтр direction", "example": "mentoring"})
    title = Text(metadata={"example": "Наставничество"})


@route("GET", "/api/v1/municipalities", "Муниципалитеты сети", TAG,
       query=PageQuery, response=page_schema(MunicipalitySchema))
def municipalities(gateway, request):
    query = read_query(request, PageQuery())
    with gateway.read_model() as session:
        cities = MunicipalitySchema(many=True).dump(directory.municipalities(session))
    return json_response(page_of_list(cities, **query))


@route("GET", "/api/v1/directions", "Направления работы (закрытый список)", TAG,
       query=PageQuery, response=page_schema(DirectionSchema))
def directions(gateway, request):
    query = read_query(request, PageQuery())
    listed = [{"code": code, "title": title} for code, title in plugins.directions().items()]
    return json_response(page_of_list(DirectionSchema(many=True).dump(listed), **query))


@route("GET", "/api/v1/municipalities/<code>", "Муниципалитет", TAG, response=MunicipalitySchema)
def municipality(gateway, request, code):
    with gateway.read_model() as session:
        return json_response(MunicipalitySchema().dump(directory.municipality(session, code)))


@route("GET", "/api/v1/organizations", "Организации", TAG,
       query=OrganizationQuery, response=page_schema(OrganizationViewSchema))
def organizations(gateway, request):
    query = read_query(request, OrganizationQuery())
    with gateway.read_model() as session:
        items, total = directory.organizations(session, **query)
        return json_response(page_of(OrganizationViewSchema(many=True).dump(items), total,
                                     query["page"], query["per_page"]))
