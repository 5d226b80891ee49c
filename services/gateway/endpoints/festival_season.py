"""The festival season: the call for entries, withdrawals, one's own entries, the jury, the ranking,
certificates of participation and the archive of them all (owned by the festivals service; jurors
score on the expert workbench, endpoints/expertise.py)."""
from nameko import config
from werkzeug.wrappers import Response

from services.festivals.contract import (
    CallInputSchema,
    FestivalSchema,
    JuryInputSchema,
    MyEntriesQuery,
    MyEntrySchema,
    RankingSchema,
)
from services.gateway.http import json_response, read_json, read_query, route
from shared.schemas import page_schema
from shared.storage import file_store

TAG = "Фестивали, форумы, конкурсы"


@route("POST", "/api/v1/festivals/<int:festival_id>/call",
       "Открыть приём заявок (организатор): срок, рубрика жюри, правила номинаций; повторно — сдвинуть срок",
       TAG, body=CallInputSchema, response=FestivalSchema, auth=True)
def open_call(gateway, request, festival_id):
    return json_response(gateway.festivals.open_call(festival_id, read_json(request, CallInputSchema())))


@route("POST", "/api/v1/festivals/<int:festival_id>/entries/<int:entry_id>/withdraw",
       "Отозвать заявку до окончания приёма (автор или методист её города)", TAG,
       response=FestivalSchema, auth=True)
def withdraw_entry(gateway, request, festival_id, entry_id):
    return json_response(gateway.festivals.withdraw_entry(festival_id, entry_id))


@route("GET", "/api/v1/festival-entries/mine", "Мои заявки на фестивали и их состояние", TAG,
       query=MyEntriesQuery, response=page_schema(MyEntrySchema), auth=True)
def my_festival_entries(gateway, request):
    return json_response(gateway.festivals.my_entries(read_query(request, MyEntriesQuery())))


@route("POST", "/api/v1/festivals/<int:festival_id>/jury",
       "Назначить жюри (организатор): каждой заявке — два члена жюри не из её города", TAG,
       body=JuryInputSchema, response=FestivalSchema, auth=True)
def appoint_jury(gateway, request, festival_id):
    return json_response(gateway.festivals.appoint_jury(festival_id, read_json(request, JuryInputSchema())))


@route("GET", "/api/v1/festivals/<int:festival_id>/ranking",
       "Рейтинг по номинациям: взвешенные итоги жюри и разброс оценок (организатор)", TAG,
       response=RankingSchema, auth=True)
def festival_ranking(gateway, request, festival_id):
    return json_response(gateway.festivals.ranking(festival_id))


@route("GET", "/api/v1/festivals/<int:festival_id>/certificates/<int:entry_id>.pdf",
       "Сертификат участника (PDF) по любой заявке", TAG, response_type="application/pdf")
def certificate(gateway, request, festival_id, entry_id):
    digest = gateway.festivals.certificate(festival_id, entry_id)
    return Response(file_store(config).get(digest), content_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="sertifikat-{festival_id}-{entry_id}.pdf"'})


@route("GET", "/api/v1/festivals/<int:festival_id>/diplomas.zip",
       "Все дипломы и сертификаты фестиваля одним архивом (организатор)", TAG,
       response_type="application/zip", auth=True)
def diplomas_archive(gateway, request, festival_id):
    digest = gateway.festivals.diplomas_archive(festival_id)
    return Response(file_store(config).get(digest), content_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="festival-{festival_id}.zip"'})
