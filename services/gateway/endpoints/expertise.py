"""The expert workbench: rubrics, expert rounds and reviews (owned by the practices service)."""
from services.gateway.http import json_response, read_json, read_query, route
from services.practices.contract import (
    NewRubricSchema,
    RemarkSchema,
    ReviewInputSchema,
    ReviewSchema,
    RoundInputSchema,
    RoundSchema,
    RubricInputSchema,
    RubricSchema,
)
from shared.schemas import PageQuery, page_of_list, page_schema

TAG = "Экспертиза"


@route("POST", "/api/v1/rubrics", "Создать рубрику экспертизы: критерии со шкалами и весами (эксперт)", TAG,
       body=NewRubricSchema, response=RubricSchema, status=201, auth=True)
def create_rubric(gateway, request):
    return json_response(gateway.practices.create_rubric(read_json(request, NewRubricSchema())), 201)


@route("GET", "/api/v1/rubrics", "Рубрики экспертизы (последние версии)", TAG,
       query=PageQuery, response=page_schema(RubricSchema), auth=True)
def list_rubrics(gateway, request):
    query = read_query(request, PageQuery())
    return json_response(page_of_list(gateway.practices.list_rubrics(), **query))


@route("PUT", "/api/v1/rubrics/<code>", "Изменить рубрику: появляется новая версия, прежние остаются", TAG,
       body=RubricInputSchema, response=RubricSchema, status=201, auth=True)
def revise_rubric(gateway, request, code):
    return json_response(gateway.practices.revise_rubric(code, read_json(request, RubricInputSchema())), 201)


@route("POST", "/api/v1/practices/<int:entry_id>/expertise",
       "Направить запись на рассмотрении на экспертизу: назначаются два эксперта не из её города", TAG,
       body=RoundInputSchema, response=RoundSchema, status=201, auth=True)
def open_expert_round(gateway, request, entry_id):
    return json_response(gateway.practices.open_expert_round(entry_id, read_json(request, RoundInputSchema())), 201)


@route("GET", "/api/v1/expertise/assignments", "Мои назначения экспертом (открытые первыми)", TAG,
       query=PageQuery, response=page_schema(RoundSchema), auth=True)
def my_expert_assignments(gateway, request):
    query = read_query(request, PageQuery())
    return json_response(page_of_list(gateway.practices.my_expert_assignments(), **query))


@route("GET", "/api/v1/expertise/rounds/<int:round_id>",
       "Экспертиза: назначенные эксперты и рецензии (чужие — после своей и когда поданы обе)", TAG,
       response=RoundSchema, auth=True)
def get_expert_round(gateway, request, round_id):
    return json_response(gateway.practices.get_expert_round(round_id))


@route("GET", "/api/v1/expertise/rounds/<int:round_id>/reviews",
       "Рецензии экспертизы; 403, пока они скрыты от вас", TAG,
       query=PageQuery, response=page_schema(ReviewSchema), auth=True)
def expert_round_reviews(gateway, request, round_id):
    query = read_query(request, PageQuery())
    return json_response(page_of_list(gateway.practices.expert_round_reviews(round_id), **query))


@route("POST", "/api/v1/expertise/rounds/<int:round_id>/review",
       "Подать рецензию: баллы по критериям рубрики, рекомендация, замечания к полям записи", TAG,
       body=ReviewInputSchema, response=RoundSchema, auth=True)
def submit_expert_review(gateway, request, round_id):
    return json_response(gateway.practices.submit_expert_review(round_id, read_json(request, ReviewInputSchema())))


@route("GET", "/api/v1/practices/<int:entry_id>/expert-remarks",
       "Замечания экспертов к полям записи для её автора (без имён экспертов), когда поданы обе рецензии", TAG,
       query=PageQuery, response=page_schema(RemarkSchema), auth=True)
def expert_remarks(gateway, request, entry_id):
    query = read_query(request, PageQuery())
    return json_response(page_of_list(gateway.practices.expert_remarks(entry_id), **query))
