"""What an administrator manages besides accounts (endpoints/system.py): one-time codes and links,
organisations, the installed municipality plugins. The catalog owns all of it and checks the role."""
from nameko import config

from services.catalog.contract import (
    MunicipalityPluginSchema,
    NewOrganizationSchema,
    OrganizationSchema,
    PasswordResetCompletionSchema,
    PasswordResetRequestSchema,
    PasswordResetSchema,
)
from services.gateway.endpoints.system import token_for, token_response
from services.gateway.http import json_response, read_json, read_query, route
from services.gateway.schemas import TokenSchema
from shared.config import public_base_url
from shared.schemas import PageQuery, page_of_list, page_schema

TAG = "Доступ"
RESET_PATH = "/password/reset/"


def issue_reset(catalog, username, kind):
    """A one-time code or link from the catalog; a link also as the address to hand over."""
    reset = catalog.issue_password_reset(username, {"kind": kind})
    if reset.get("token"):
        reset["url"] = public_base_url(config) + RESET_PATH + reset["token"]
    return reset


def complete_reset(catalog, data, request):
    """Set the new password with a one-time secret: ``(token, account, ttl)`` as a sign-in gives."""
    return token_for(catalog.complete_password_reset(data, {"address": request.remote_addr}))


@route("POST", "/api/v1/accounts/<username>/password-reset",
       "Одноразовый код или ссылка для входа (администратор); показывается один раз", TAG,
       body=PasswordResetRequestSchema, response=PasswordResetSchema, status=201, auth=True)
def issue_password_reset(gateway, request, username):
    """The open code or link of the account issued before stops working."""
    kind = read_json(request, PasswordResetRequestSchema())["kind"]
    return json_response(issue_reset(gateway.catalog, username, kind), 201)


@route("POST", "/api/v1/auth/one-time", "Войти по одноразовому коду или ссылке, задав новый пароль", TAG,
       body=PasswordResetCompletionSchema, response=TokenSchema, errors=(401, 429))
def sign_in_once(gateway, request):
    """``{"username", "code", "new_password"}`` or ``{"token", "new_password"}``; the secret is used up."""
    data = read_json(request, PasswordResetCompletionSchema())
    return token_response(*complete_reset(gateway.catalog, data, request))


@route("POST", "/api/v1/organizations", "Добавить организацию в справочник (администратор)", "Справочник",
       body=NewOrganizationSchema, response=OrganizationSchema, status=201, auth=True)
def add_organization(gateway, request):
    return json_response(gateway.catalog.add_organization(read_json(request, NewOrganizationSchema())), 201)


@route("GET", "/api/v1/plugins/municipalities", "Муниципалитеты и их плагины (администратор)", "Справочник",
       query=PageQuery, response=page_schema(MunicipalityPluginSchema), auth=True)
def municipality_plugins(gateway, request):
    query = read_query(request, PageQuery())
    return json_response(page_of_list(gateway.catalog.municipality_plugins(), **query))
