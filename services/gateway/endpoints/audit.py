"""The audit log, for the administrator and the regional reviewers; the gateway owns it (read model)."""
from marshmallow import Schema, fields, validate
from nameko import config

from services.gateway import audit
from services.gateway.http import bearer_token, json_response, read_query, route
from shared.auth import ADMIN, REVIEWER, require_role, verify_token
from shared.schemas import PageQuery, RecordId, Text, page_of, page_schema


class AuditQuery(PageQuery):
    municipality = Text(validate=validate.Length(max=40), metadata={"description": "Город (код)"})
    actor = Text(validate=validate.Length(max=80), metadata={"description": "Кто действовал (имя)"})
    entry = RecordId(strict=False, metadata={"description": "Запись реестра: её изменения, "
                                                                                "решения, занятия и брони"})
    action = Text(validate=validate.Length(max=80), metadata={"description": "Событие, например practice_approved"})


class AuditRecordSchema(Schema):
    event_id = Text(required=True)
    occurred_at = fields.AwareDateTime(required=True)
    action = Text(required=True)
    actor = Text(allow_none=True)
    municipality = Text(allow_none=True, metadata={"description": "None — региональное"})
    object_type = Text(required=True, metadata={"description": "practice, session, booking, festival, "
                                                                     "resource, account или adoption"})
    object_id = Text(required=True)
    practice_id = fields.Int(allow_none=True)
    status = Text(allow_none=True)
    comment = Text()


@route("GET", "/api/v1/audit", "Журнал изменений и решений (администратор, эксперт), новые первыми",
       "Доступ", query=AuditQuery, response=page_schema(AuditRecordSchema), auth=True)
def audit_log(gateway, request):
    token = bearer_token(request)
    require_role(verify_token(token, config["JWT_SECRET"]) if token else None, ADMIN, REVIEWER)
    query = read_query(request, AuditQuery())
    with gateway.read_model() as session:
        items, total = audit.entries(session, **query)
        return json_response(page_of(AuditRecordSchema(many=True).dump(items), total,
                                     query["page"], query["per_page"]))
