"""Adoption lineage: a city adopts another's practice (to the practices service), reports the results;
adoptions and how practices spread between cities come from the read model."""
from services.gateway import adoptions
from services.gateway.http import json_response, read_json, read_query, route
from services.gateway.schemas import AdoptionQuery, AdoptionViewSchema, SpreadSchema
from services.practices.adoption_schemas import AdoptionInputSchema, AdoptionReportInputSchema, AdoptionSchema
from shared.schemas import page_schema

TAG = "Внедрение практик в других городах"


class AdoptionEndpoints:
    @route("POST", "/api/v1/practices/<int:entry_id>/adopt",
           "Внедрить у себя: черновик-адаптация опубликованной практики другого города (методист)", TAG,
           body=AdoptionInputSchema, response=AdoptionSchema, status=201, auth=True)
    def adopt_practice(self, request, entry_id):
        data = read_json(request, AdoptionInputSchema())
        return json_response(self.practices.adopt_entry(entry_id, data), 201)

    @route("POST", "/api/v1/adoptions/<int:adoption_id>/report",
           "Отчёт о результатах внедрения (методист внедрившего города)", TAG,
           body=AdoptionReportInputSchema, response=AdoptionSchema, auth=True)
    def report_adoption(self, request, adoption_id):
        data = read_json(request, AdoptionReportInputSchema())
        return json_response(self.practices.report_adoption_results(adoption_id, data))

    @route("GET", "/api/v1/practices/<int:entry_id>/adoptions", "Где внедрена практика и с какими результатами",
           TAG, response=AdoptionViewSchema(many=True))
    def practice_adoptions(self, request, entry_id):
        with self.read_model() as session:
            return json_response(AdoptionViewSchema(many=True).dump(adoptions.of_practice(session, entry_id)))

    @route("GET", "/api/v1/adoptions", "Внедрения: по городам, ожидающие отчёта", TAG,
           query=AdoptionQuery, response=page_schema(AdoptionViewSchema))
    def list_adoptions(self, request):
        query = read_query(request, AdoptionQuery())
        with self.read_model() as session:
            found = adoptions.listing(session, **query)
        return json_response({**found, "items": AdoptionViewSchema(many=True).dump(found["items"])})

    @route("GET", "/api/v1/network/spread", "Распространение практик: внедрения по практикам и парам городов",
           TAG, response=SpreadSchema)
    def network_spread(self, request):
        with self.read_model() as session:
            return json_response(adoptions.spread(session))
