"""Cross-city views: one search over everything published, and the network's figures."""
from services.gateway import projections, views
from services.gateway.answers import SEARCH_ANSWERS
from services.gateway.http import json_response, json_text, json_text_response, read_query, route
from services.gateway.schemas import NetworkStatsSchema, SearchPageSchema, SearchQuery

TAG = "Сквозные представления"


@route("GET", "/api/v1/search", "Поиск по всем городам: практики, профпробы, фестивали, ресурсы", TAG,
       query=SearchQuery, response=SearchPageSchema)
def search(gateway, request):
    query = read_query(request, SearchQuery())
    version = projections.version(gateway.read_model)
    return json_text_response(SEARCH_ANSWERS.answer(query, lambda: _search(gateway, query), version))


def _search(gateway, query):
    with gateway.read_model() as session:
        return json_text(views.search(session, **query))


@route("GET", "/api/v1/network/stats", "Показатели сети по муниципалитетам", TAG,
       response=NetworkStatsSchema)
def network_stats(gateway, request):
    with gateway.read_model() as session:
        return json_response(views.network_stats(session))
