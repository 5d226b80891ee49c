"""Festivals, forums and contests: commands go to the festivals service; listings and calendars come
from the read model."""
from nameko import config
from werkzeug.wrappers import Response

from services.festivals.contract import (
    DiplomaSchema,
    EntryInputSchema,
    FestivalChangeSchema,
    FestivalInputSchema,
    FestivalQuery,
    FestivalSchema,
    NominationInputSchema,
    ProgrammeItemInputSchema,
    ResultsInputSchema,
)
from services.gateway import calendar, views
from services.gateway.endpoints.opendata import base_url
from services.gateway.http import json_response, read_json, read_query, route
from services.gateway.revisions import expected_revisions, versioned_response
from services.gateway.schemas import CalendarQuery
from shared.schemas import page_schema
from shared.storage import file_store

TAG = "Фестивали, форумы, конкурсы"
ICS_TYPE = "text/calendar; charset=utf-8"


@route("POST", "/api/v1/festivals", "Создать фестиваль (методист — своего города, эксперт — региона)", TAG,
       body=FestivalInputSchema, response=FestivalSchema, status=201, auth=True)
def create_festival(gateway, request):
    return json_response(gateway.festivals.create_festival(read_json(request, FestivalInputSchema())), 201)


@route("GET", "/api/v1/festivals", "Фестивали: по городу (region — региональные) и датам", TAG,
       query=FestivalQuery, response=page_schema(FestivalSchema))
def list_festivals(gateway, request):
    query = read_query(request, FestivalQuery())
    with gateway.read_model() as session:
        return json_response(views.festivals(session, **query))


@route("GET", "/api/v1/festivals/<int:festival_id>", "Фестиваль с программой, номинациями и итогами", TAG,
       response=FestivalSchema, versioned=True)
def get_festival(gateway, request, festival_id):
    return versioned_response(gateway.festivals.get_festival(festival_id))


@route("PATCH", "/api/v1/festivals/<int:festival_id>",
       "Изменить фестиваль (организатор); с If-Match — только если его никто не изменил", TAG,
       body=FestivalChangeSchema, response=FestivalSchema, auth=True, versioned=True)
def change_festival(gateway, request, festival_id):
    expected = expected_revisions(request)
    return versioned_response(gateway.festivals.change_festival(festival_id, read_json(request),
                                                             expected_revisions=expected))


@route("POST", "/api/v1/festivals/<int:festival_id>/cancel", "Отменить фестиваль (остаётся в календаре)", TAG,
       response=FestivalSchema, auth=True)
def cancel_festival(gateway, request, festival_id):
    return json_response(gateway.festivals.cancel_festival(festival_id))


@route("POST", "/api/v1/festivals/<int:festival_id>/nominations", "Добавить номинацию", TAG,
       body=NominationInputSchema, response=FestivalSchema, status=201, auth=True)
def add_nomination(gateway, request, festival_id):
    data = read_json(request, NominationInputSchema())
    return json_response(gateway.festivals.add_nomination(festival_id, data), 201)


@route("POST", "/api/v1/festivals/<int:festival_id>/programme", "Добавить пункт программы", TAG,
       body=ProgrammeItemInputSchema, response=FestivalSchema, status=201, auth=True)
def add_programme_item(gateway, request, festival_id):
    return json_response(gateway.festivals.add_programme_item(festival_id, read_json(request)), 201)


@route("POST", "/api/v1/festivals/<int:festival_id>/entries",
       "Заявить опубликованную практику своего города в номинацию", TAG,
       body=EntryInputSchema, response=FestivalSchema, status=201, auth=True)
def enter_practice(gateway, request, festival_id):
    return json_response(gateway.festivals.enter_practice(festival_id, read_json(request, EntryInputSchema())), 201)


@route("POST", "/api/v1/festivals/<int:festival_id>/results", "Итоги: места по номинациям (организатор)", TAG,
       body=ResultsInputSchema, response=FestivalSchema, auth=True)
def announce_results(gateway, request, festival_id):
    return json_response(gateway.festivals.announce_results(festival_id, read_json(request, ResultsInputSchema())))


@route("GET", "/api/v1/festivals/<int:festival_id>/diplomas/<int:entry_id>.pdf",
       "Диплом победителя (PDF) по заявке с присуждённым местом", TAG, response_type="application/pdf")
def diploma(gateway, request, festival_id, entry_id):
    digest = gateway.festivals.diploma(festival_id, entry_id)
    return Response(file_store(config).get(digest), content_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="diplom-{festival_id}-{entry_id}.pdf"'})


@route("GET", "/api/v1/diplomas/<code>", "Проверка диплома по коду из его QR-кода: кому и за что выдан", TAG,
       response=DiplomaSchema)
def verify_diploma(gateway, request, code):
    return json_response(gateway.festivals.verify_diploma(code))


@route("GET", "/api/v1/festivals.ics", "Календарь фестивалей (RFC 5545), можно по городу", TAG,
       query=CalendarQuery, response_type=ICS_TYPE)
def festivals_calendar(gateway, request):
    municipality = read_query(request, CalendarQuery()).get("municipality")
    with gateway.read_model() as session:
        states = views.festival_states(session, municipality)
        name = "Фестивали сети практик" + (f": {views.municipality_name(session, municipality)}"
                                           if municipality else "")
    return _ics(gateway, calendar.calendar_of(states, name, base_url(request)), "festivals.ics")


@route("GET", "/api/v1/festivals/<int:festival_id>.ics", "Фестиваль с программой в календарь (RFC 5545)", TAG,
       response_type=ICS_TYPE)
def festival_calendar(gateway, request, festival_id):
    state = gateway.festivals.get_festival(festival_id)
    return _ics(gateway, calendar.calendar_of([state], state["title"], base_url(request), with_programme=True),
                     f"festival-{festival_id}.ics")


def _ics(gateway, body, filename):
    return Response(body, content_type=ICS_TYPE, headers={"Content-Disposition": f'inline; filename="{filename}"'})
