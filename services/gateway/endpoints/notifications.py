"""Each person's notifications (read model): a page of them, marking them read, and an Atom feed
addressed by a feed token of its own (``/feeds/<token>.atom``) for feed readers that send no headers."""
from marshmallow import Schema, fields, validate
from nameko import config
from werkzeug.wrappers import Response

from services.gateway import notifications
from services.gateway.http import bearer_token, json_response, read_json, read_query, route
from services.gateway.people import Directory
from shared.auth import ROLES, require_role, verify_token
from shared.schemas import PageQuery, Text

TAG = "Уведомления"
ATOM_TYPE = "application/atom+xml"
FEED_ENTRIES = 50


class NotificationQuery(PageQuery):
    unread = fields.Bool(load_default=False, metadata={"description": "true — только непрочитанные"})


class NotificationSchema(Schema):
    id = Text(required=True)
    kind = Text(required=True, metadata={"description": "событие, например practice_approved"})
    title = Text(required=True)
    text = Text(required=True)
    link = Text(required=True, metadata={"description": "адрес страницы на сайте"})
    occurred_at = fields.AwareDateTime(required=True)
    read = fields.Bool(required=True)


class NotificationPageSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema), required=True)
    total = fields.Int(required=True)
    unread = fields.Int(required=True, metadata={"description": "непрочитанных всего"})
    page = fields.Int(required=True)
    per_page = fields.Int(required=True)


class MarkReadSchema(Schema):
    ids = fields.List(Text(validate=validate.Length(min=1, max=36)), validate=validate.Length(max=1000),
                      metadata={"description": "какие отметить; без ids — все"})


class MarkedSchema(Schema):
    marked = fields.Int(required=True, metadata={"description": "сколько стали прочитанными"})


class FeedSchema(Schema):
    url = Text(required=True, metadata={"description": "адрес ленты Atom; секретный, как пароль"})


def signed_in(request):
    token = bearer_token(request)
    return require_role(verify_token(token, config["JWT_SECRET"]) if token else None, *ROLES)


def feed_url(request, identity):
    return f"{request.host_url.rstrip('/')}/feeds/{notifications.feed_token(identity, config['JWT_SECRET'])}.atom"


@route("GET", "/api/v1/notifications", "Мои уведомления, новые первыми", TAG,
       query=NotificationQuery, response=NotificationPageSchema, auth=True)
def list_notifications(gateway, request):
    identity = signed_in(request)
    query = read_query(request, NotificationQuery())
    with gateway.read_model() as session:
        found = notifications.of(session, identity, **query)
    return json_response({**found, "items": NotificationSchema(many=True).dump(found["items"])})


@route("POST", "/api/v1/notifications/read", "Отметить мои уведомления прочитанными", TAG,
       body=MarkReadSchema, response=MarkedSchema, auth=True)
def mark_notifications_read(gateway, request):
    identity = signed_in(request)
    ids = read_json(request, MarkReadSchema(), optional=True).get("ids")
    with gateway.read_model.begin() as session:
        return json_response({"marked": notifications.mark_read(session, identity, ids)})


@route("GET", "/api/v1/notifications/feed", "Адрес моей ленты уведомлений (Atom)", TAG,
       response=FeedSchema, auth=True)
def notification_feed_url(gateway, request):
    return json_response({"url": feed_url(request, signed_in(request))})


@route("GET", "/feeds/<feed_token>.atom", "Лента уведомлений в формате Atom (адрес — из /notifications/feed)",
       TAG, response_type=ATOM_TYPE)
def notification_feed(gateway, request, feed_token):
    identity = notifications.feed_identity(feed_token, config["JWT_SECRET"])
    with gateway.read_model() as session:
        items = notifications.of(session, identity, per_page=FEED_ENTRIES)["items"]
    reader = Directory(gateway.read_model).name(identity.username, with_position=False)
    body = notifications.atom(identity, items, request.host_url.rstrip("/"), request.base_url, reader)
    return Response(body, content_type=f"{ATOM_TYPE}; charset=utf-8")
