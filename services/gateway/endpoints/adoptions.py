"""Adoption lineage: a city adopts another's practice (to the practices service), reports the results;
adoptions and how practices spread between cities come from the read model."""
from services.gateway import adoptions
from services.gateway.http import json_response, read_json, read_query, route
from services.gateway.schemas import AdoptionQuery, AdoptionViewSchema, SpreadSchema
from services.practices.contract import (
    AdoptedDraftSchema,
    AdoptionInputSchema,
    AdoptionReportInputSchema,
    AdoptionSchema,
)
from shared.schemas import PageQuery, page_of_list, page_schema

TAG = "Внедрение практик в других городах"


@route("POST", "/api/v1/practices/<int:entry_id>/adopt",
       "Внедрить у себя: черновик-адаптация опубликованной практики другого города (методист)", TAG,
       body=AdoptionInputSchema, response=AdoptedDraftSchema, status=201, auth=True)
def adopt_practice(gateway, request, entry_id):
    data = read_json(request, AdoptionInputSchema())
    return json_response(gateway.practices.adopt_entry(entry_id, data), 201)


@route("POST", "/api/v1/adoptions/<int:adoption_id>/report",
       "Отчёт о результатах внедрения (методист внедрившего города)", TAG,
       body=AdoptionReportInputSchema, response=AdoptionSchema, auth=True)
def report_adoption(gateway, request, adoption_id):
    data = read_json(request, AdoptionReportInputSchema())
    return json_response(gateway.practices.report_adoption_results(adoption_id, data))


@route("GET", "/api/v1/practices/<int:entry_id>/adoptions", "Где внедрена практика и с какими результатами",
       TAG, query=PageQuery, response=page_schema(AdoptionViewSchema))
def practice_adoptions(gateway, request, entry_id):
    query = read_query(request, PageQuery())
    with gateway.read_model() as session:
        found = AdoptionViewSchema(many=True).dump(adoptions.of_practice(session, entry_id))
    return json_response(page_of_list(found, **query))


@route("GET", "/api/v1/adoptions", "Внедрения: по городам, ожидающие отчёта", TAG,
       query=AdoptionQuery, response=page_schema(AdoptionViewSchema))
def list_adoptions(gateway, request):
    query = read_query(request, AdoptionQuery())
    with gateway.read_model() as session:
        found = adoptions.listing(session, **query)
    return json_response({**found, "items": AdoptionViewSchema(many=True).dump(found["items"])})


@route("GET", "/api/v1/network/spread", "Распространение практик: внедрения по практикам и парам городов",
       TAG, response=SpreadSchema)
def network_spread(gateway, request):
    with gateway.read_model() as session:
        return json_response(adoptions.spread(session))
