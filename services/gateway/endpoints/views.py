"""Cross-city views: one search over everything published, and the network's figures."""
from services.gateway import projections, views
from services.gateway.answers import SEARCH_ANSWERS
from services.gateway.http import json_response, json_text, json_text_response, read_query, route
from services.gateway.schemas import NetworkStatsSchema, SearchPageSchema, SearchQuery

TAG = "Сквозные представления"
SEARCH_QUERY = SearchQuery()


@route("GET", "/api/v1/search", "Поиск по всем городам: практики, профпробы, фестивали, ресурсы", TAG,
       query=SearchQuery, response=SearchPageSchema)
def search(gateway, request):
    # Stored under the query string as sent: the same string validates to the same query, so a repeated
    # search skips validation too; a refused one raises from _search and stores nothing.
    version = projections.version(gateway.read_model)
    return json_text_response(SEARCH_ANSWERS.answer(request.query_string, lambda: _search(gateway, request), version))


def _search(gateway, request):
    query = read_query(request, SEARCH_QUERY)
    with gateway.read_model() as session:
        return json_text(views.search(session, **query))


@route("GET", "/api/v1/network/stats", "Показатели сети по муниципалитетам", TAG,
       response=NetworkStatsSchema)
def network_stats(gateway, request):
    with gateway.read_model() as session:
        return json_response(views.network_stats(session))
