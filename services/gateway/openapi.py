"""The OpenAPI 3 document, generated from the route registry and the marshmallow schemas."""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from services.gateway.http import ROUTES, openapi_path
from shared.schemas import ErrorSchema

ERROR_STATUSES = {400: "Некорректный запрос", 401: "Нужен вход", 403: "Нет прав",
                  404: "Не найдено", 409: "Конфликт состояния", 422: "Данные не прошли проверку"}


def build_spec():
    spec = APISpec(
        title="Сеть практик", version="1.0.0", openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Общий реестр лучших практик, профпроб и фестивалей сети муниципалитетов"},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    spec.components.schema("Error", schema=ErrorSchema)
    for path, routes in _by_path().items():
        spec.path(path=path, operations={r.method.lower(): _operation(r) for r in routes})
    return spec.to_dict()


def _by_path():
    paths = {}
    for registered in ROUTES:
        paths.setdefault(openapi_path(registered.path), []).append(registered)
    return paths


def _operation(registered):
    success = {"description": "Успешно"}
    if registered.response is not None:
        success["content"] = {registered.content_type: {"schema": registered.response}}
    operation = {
        "summary": registered.summary,
        "tags": [registered.tag],
        "responses": {str(registered.status): success, **_error_responses(registered)},
    }
    if registered.body is not None:
        operation["requestBody"] = {
            "required": True, "content": {"application/json": {"schema": registered.body}}}
    parameters = _path_parameters(registered.path)
    if registered.query is not None:
        parameters.append({"in": "query", "schema": registered.query})
    if parameters:
        operation["parameters"] = parameters
    if registered.auth:
        operation["security"] = [{"bearer": []}]
    return operation


def _error_responses(registered):
    statuses = [404]
    if registered.body is not None or registered.query is not None:
        statuses += [400, 422]
    if registered.auth:
        statuses += [401, 403, 409]
    return {str(status): {"description": ERROR_STATUSES[status],
                          "content": {"application/json": {"schema": "Error"}}}
            for status in sorted(statuses)}


def _path_parameters(path):
    return [
        {"in": "path", "name": name, "required": True,
         "schema": {"type": "integer" if converter == "int" else "string"}}
        for converter, name in re.findall(r"<(?:([a-z]+):)?([a-z_]+)>", path)
    ]

