"""Health, metrics, the API description, sign-in and accounts."""
import os

import eventlet
from nameko import config
from werkzeug.wrappers import Response

from services.catalog.contract import (
    AccountQuery,
    AccountSchema,
    CredentialsSchema,
    NewAccountSchema,
    PasswordChangeSchema,
)
from services.gateway import health as health_checks
from services.gateway import projections
from services.gateway.http import bearer_token, json_response, read_json, read_query, route
from services.gateway.openapi import build_spec
from services.gateway.schemas import HealthSchema, TokenSchema
from shared import auth
from shared.auth import Identity, revoke_here
from shared.metrics import CONTENT_TYPE, exposition, record_read_model_lag
from shared.schemas import page_schema

TAG = "Служебное"


def revoke_token(catalog, token):
    """Revoke ``token`` in the catalog (and so everywhere), and in this gateway process at once."""
    catalog.sign_out()
    revoke_here(token, config["JWT_SECRET"])


def sign_in(catalog, credentials, request):
    """Check the password with the catalog and issue a token: ``(token, account, ttl)``.

    The catalog also counts failures by the client's address (``request.remote_addr``: the gateway
    is meant to face clients directly; behind a proxy that would be the proxy's address).
    """
    return token_for(catalog.authenticate({**credentials, "address": request.remote_addr}))


def token_for(account):
    """A token of ``account`` (the catalog's ``SignedInSchema``) at its current token generation."""
    identity = Identity(account["username"], account["role"], account["municipality"])
    ttl = config["TOKEN_TTL_SECONDS"]
    return auth.issue_token(identity, config["JWT_SECRET"], ttl, account["token_generation"]), account, ttl


def token_response(token, account, ttl):
    return json_response(TokenSchema().dump({
        "access_token": token, "token_type": "bearer", "expires_in": ttl, "user": account}))


@route("GET", "/health", "Состояние брокера, сервисов и их баз данных", TAG, response=HealthSchema)
def health(gateway, request):
    broker = eventlet.spawn(health_checks.broker_status, config["AMQP_URI"])
    replies = health_checks.ping_services(gateway.probes, config.get("HEALTH_TIMEOUT_SECONDS", 2))
    healthy, body = health_checks.report(broker.wait(), replies, health_checks.database_status(gateway.read_model),
                                         health_checks.read_model_status(gateway.read_model),
                                         health_checks.projector_status(gateway.read_model))
    # Several HTTP workers share the port: which one answered (docs/gateway-processes.md).
    return json_response({**body, "worker": os.getpid()}, 200 if healthy else 503)


@route("GET", "/metrics", "Метрики шлюза (всех его HTTP-процессов и projector) для Prometheus", TAG,
       response_type="text/plain")
def metrics(gateway, request):
    replies = health_checks.ping_services(gateway.probes, config.get("HEALTH_TIMEOUT_SECONDS", 2))
    newest = {name: reply["last_position"] for name, reply in replies.items() if reply and "last_position" in reply}
    record_read_model_lag(projections.checkpoints(gateway.read_model), newest)
    return Response(exposition(), content_type=CONTENT_TYPE)


@route("GET", "/api/v1/openapi.json", "Описание API (OpenAPI 3)", TAG)
def openapi(gateway, request):
    return json_response(build_spec())


@route("POST", "/api/v1/auth/token", "Получить токен доступа", "Доступ",
       body=CredentialsSchema, response=TokenSchema, errors=(401, 429))
def issue_token(gateway, request):
    return token_response(*sign_in(gateway.catalog, read_json(request, CredentialsSchema()), request))


@route("POST", "/api/v1/auth/password", "Сменить свой пароль: прежние токены перестают действовать", "Доступ",
       body=PasswordChangeSchema, response=TokenSchema, auth=True)
def change_password(gateway, request):
    """Every token of the person issued before stops working; the answer carries a new one."""
    account = gateway.catalog.change_password(read_json(request, PasswordChangeSchema()))
    return token_response(*token_for(account))


@route("POST", "/api/v1/auth/sign-out", "Выйти: токен отзывается во всех сервисах", "Доступ",
       status=204, auth=True)
def sign_out(gateway, request):
    revoke_token(gateway.catalog, bearer_token(request))
    return Response(status=204)


@route("POST", "/api/v1/accounts", "Создать учётную запись (администратор)", "Доступ",
       body=NewAccountSchema, response=AccountSchema, status=201, auth=True)
def create_account(gateway, request):
    account = gateway.catalog.create_account(read_json(request, NewAccountSchema()))
    return json_response(account, 201)


@route("GET", "/api/v1/accounts", "Учётные записи (администратор)", "Доступ",
       query=AccountQuery, response=page_schema(AccountSchema), auth=True)
def list_accounts(gateway, request):
    return json_response(gateway.catalog.list_accounts(read_query(request, AccountQuery())))


@route("POST", "/api/v1/accounts/<username>/<any(disable, enable):action>",
       "Отключить или снова включить учётную запись (администратор)", "Доступ",
       response=AccountSchema, auth=True)
def set_account_disabled(gateway, request, username, action):
    """Disabling ends every token of the account in every process and takes it out of the expert pool."""
    return json_response(gateway.catalog.set_account_disabled(username, action == "disable"))
