"""The OpenAPI 3 document, generated from the route registry and the marshmallow schemas."""
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from services.gateway.http import ROUTES, openapi_path, path_parameters
from shared.schemas import ErrorSchema

ERROR_STATUSES = {400: "Некорректный запрос", 401: "Нужен вход", 403: "Нет прав",
                  404: "Не найдено", 409: "Конфликт состояния",
                  412: "Запись изменил кто-то другой: If-Match не совпал с её текущим ETag",
                  413: "Слишком большой файл",
                  415: "Неподдерживаемый тип файла или тела запроса (не application/json)",
                  422: "Данные не прошли проверку",
                  429: "Слишком много попыток: повторите через Retry-After секунд"}

ETAG_HEADER = {"description": "Ревизия записи в кавычках (сильный ETag): передайте её в If-Match при изменении",
               "schema": {"type": "string", "example": '"7"'}}
IF_MATCH_PARAMETER = {
    "in": "header", "name": "If-Match", "required": False, "schema": {"type": "string", "example": '"7"'},
    "description": "ETag из ответа на GET: изменение пройдёт, только если запись с тех пор никто не менял "
                   "(иначе 412). * — любая ревизия; без заголовка — без проверки"}


def build_spec():
    marshmallow = MarshmallowPlugin()
    spec = APISpec(
        title="Сеть практик", version="1.0.0", openapi_version="3.0.3",
        plugins=[marshmallow],
        info={"description": "Общий реестр лучших практик, профпроб и фестивалей сети муниципалитетов"},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    spec.components.schema("Error", schema=ErrorSchema)
    for path, routes in _by_path().items():
        spec.path(path=path, operations={r.method.lower(): _operation(r, marshmallow.converter) for r in routes})
    return _open_responses(spec.to_dict())


def _open_responses(document):
    """Answers may carry more than their schema lists (an entry kind is a plugin with fields of its own;
    search results carry the whole public record), so schemas met in responses are not closed.
    Request bodies stay closed: an unknown field there is refused with 422."""
    components = document.get("components", {}).get("schemas", {})
    pending = [response for path in document["paths"].values() for operation in path.values()
               for response in operation.get("responses", {}).values()]
    seen = set()
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, dict):
            reference = node.get("$ref", "")
            name = reference.rsplit("/", 1)[-1] if reference.startswith("#/components/schemas/") else None
            if name and name not in seen:
                seen.add(name)
                pending.append(components.get(name, {}))
            if node.get("additionalProperties") is False:
                del node["additionalProperties"]
            pending.extend(value for key, value in node.items() if key != "$ref")
    return document


def _by_path():
    paths = {}
    for registered in ROUTES:
        paths.setdefault(openapi_path(registered.path), []).append(registered)
    return paths


def _operation(registered, converter):
    success = {"description": "Успешно"}
    if registered.response is not None:
        success["content"] = {registered.response_type: {"schema": registered.response}}
    elif registered.response_type != "application/json":
        success["content"] = {registered.response_type: {"schema": {"type": "string", "format": "binary"}}}
    if registered.versioned:
        success["headers"] = {"ETag": ETAG_HEADER}
    operation = {
        "operationId": registered.operation_id,
        "summary": registered.summary,
        "tags": [registered.tag],
        "responses": {str(registered.status): success, **_error_responses(registered)},
    }
    if registered.body is not None:
        operation["requestBody"] = {
            "required": True, "content": {"application/json": {"schema": registered.body}}}
    if registered.upload is not None:
        operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {
            "schema": _upload_form(registered, converter)}}}
    parameters = _path_parameters(registered.path)
    if _takes_if_match(registered):
        parameters.append(IF_MATCH_PARAMETER)
    if registered.query is not None:
        parameters.append({"in": "query", "schema": registered.query})
    if parameters:
        operation["parameters"] = parameters
    if registered.auth:
        operation["security"] = [{"bearer": []}]
    return operation


def _takes_if_match(registered):
    """A change of a versioned record (its GET answers the ETag that the change names)."""
    return registered.versioned and registered.method != "GET"


def _upload_form(registered, converter):
    """The form's fields (its schema inline: it is closed to unknown fields) and the file."""
    form = converter.schema2jsonschema(registered.body) if registered.body is not None else {"type": "object"}
    form.setdefault("properties", {})[registered.upload] = {"type": "string", "format": "binary"}
    form["required"] = [*form.get("required", []), registered.upload]
    return form


def _error_responses(registered):
    statuses = [404, *registered.errors]
    if registered.body is not None or registered.query is not None or registered.upload is not None:
        statuses += [400, 422]
    if registered.body is not None:
        statuses += [415]  # a body not declared application/json
    if registered.upload is not None:
        statuses += [413, 415]
    if registered.auth:
        statuses += [401, 403, 409]
    if _takes_if_match(registered):
        statuses.append(412)
    return {str(status): {"description": ERROR_STATUSES[status],
                          "content": {"application/json": {"schema": "Error"}}}
            for status in sorted(set(statuses))}


def _path_parameters(path):
    parameters = []
    for name, converter, choices in path_parameters(path):
        schema = {"type": "integer" if converter == "int" else "string"}
        if choices:
            schema["enum"] = choices
        parameters.append({"in": "path", "name": name, "required": True, "schema": schema})
    return parameters

