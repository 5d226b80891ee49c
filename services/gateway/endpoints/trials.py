"""Career-trial sessions and bookings: commands and exact seat counts come from the practices service."""
from services.gateway.http import json_response, read_json, read_query, route
from services.gateway.people import with_names
from services.practices.contract import (
    BookingInputSchema,
    BookingQuery,
    BookingSchema,
    SessionInputSchema,
    SessionSchema,
)
from shared.schemas import PageQuery, page_of_list, page_schema, reused

TAG = "Занятия и запись на профпробы"


@route("POST", "/api/v1/practices/<int:entry_id>/sessions", "Назначить занятие (методист)", TAG,
       body=SessionInputSchema, response=SessionSchema, status=201, auth=True)
def schedule_session(gateway, request, entry_id):
    return json_response(gateway.practices.schedule_session(entry_id, read_json(request, SessionInputSchema())), 201)


@route("GET", "/api/v1/practices/<int:entry_id>/sessions", "Занятия пробы со свободными местами", TAG,
       query=PageQuery, response=page_schema(SessionSchema))
def list_sessions(gateway, request, entry_id):
    query = read_query(request, PageQuery())
    return json_response(page_of_list(gateway.practices.list_sessions(entry_id), **query))


@route("POST", "/api/v1/sessions/<int:session_id>/bookings",
       "Записать группу (школа); 409, если мест меньше, чем нужно", TAG,
       body=BookingInputSchema, response=BookingSchema, status=201, auth=True)
def book(gateway, request, session_id):
    return json_response(gateway.practices.book(session_id, read_json(request, reused(BookingInputSchema))), 201)


@route("GET", "/api/v1/bookings", "Брони: школы — свои, методиста — его города", TAG,
       query=BookingQuery, response=page_schema(BookingSchema), auth=True)
def list_bookings(gateway, request):
    found = gateway.practices.list_bookings(dict(request.args))
    return json_response({**found, "items": with_names(gateway.read_model, found["items"], "school", "school_name")})


@route("DELETE", "/api/v1/bookings/<int:booking_id>", "Отменить бронь (места уходят листу ожидания)", TAG,
       response=BookingSchema, auth=True)
def cancel_booking(gateway, request, booking_id):
    return json_response(gateway.practices.cancel_booking(booking_id))
