"""The registry of practices and career trials: commands go to the practices service; published
listings come from the read model."""
from nameko import config
from werkzeug.wrappers import Response

from services.gateway import checked_imports, spreadsheets, views
from services.gateway.http import bearer_token, json_response, read_json, read_query, read_upload, route
from services.gateway.people import with_names
from services.gateway.revisions import expected_revisions, versioned_response
from services.gateway.schemas import PUBLISHED_STATUSES, ImportQuery, PracticeListQuery, SearchPageSchema
from services.practices.contract import (
    TRANSITIONS,
    BulkResultSchema,
    BulkTransitionSchema,
    EntryInputSchema,
    EntrySchema,
    HistoryItemSchema,
    ImportReportSchema,
    ReviewQueueQuery,
    TransitionInputSchema,
)
from shared.auth import ADMIN, METHODIST, REVIEWER, verify_token
from shared.errors import Forbidden, ValidationFailed
from shared.filetypes import XLSX, inspect_as
from shared.schemas import PageQuery, load, page_of_list, page_schema, reused

MAX_SPREADSHEET_BYTES = 10 * 1024 * 1024
TAG = "Реестр практик и профпроб"
ACTIONS = ", ".join(f'"{action}"' for action in TRANSITIONS)


def _reader(token):
    """Whether the token's holder only reads the registry (a school): it has no managed list."""
    return verify_token(token, config["JWT_SECRET"]).role not in (METHODIST, REVIEWER, ADMIN)


def import_spreadsheet(practices, request, query):
    """Check (``dry_run``) or import an .xlsx: the request's ``file``, or the one a clean check kept
    (``token``). A clean check keeps the file and answers its token."""
    token, owner = query.get("token"), _account(request)
    content = checked_imports.take(token, owner) if token else _uploaded_spreadsheet(request)
    sheet = spreadsheets.read_sheet(content)
    rows = [{"row": row["row"], "values": row["values"]} for row in sheet.rows]
    if not query["dry_run"] and not sheet.problems:
        # The service checks every row before it imports and refuses the whole file if one is bad, so a
        # sheet without cell problems goes straight to the import; the check that words each error as a
        # row and column of the file is asked for only when the service refused it.
        try:
            return _import(practices, rows, token)
        except ValidationFailed:
            _refuse_invalid_rows(practices, rows, sheet)
            raise
    if query["dry_run"]:
        report = _checked(practices, rows, sheet)
        if report["total"] and not report["invalid"]:
            report["token"] = checked_imports.keep(content, owner)
        return report
    _refuse_invalid_rows(practices, rows, sheet)
    return _import(practices, rows, token)


def _checked(practices, rows, sheet):
    return spreadsheets.explain(practices.import_entries({"rows": rows, "dry_run": True}), sheet)


def _refuse_invalid_rows(practices, rows, sheet):
    report = _checked(practices, rows, sheet)
    if report["invalid"]:
        raise ValidationFailed(f"Импорт не выполнен: строк с ошибками — {report['invalid']}. Исправьте их и "
                               "повторите", {"rows": {str(line["row"]): line["messages"]
                                                       for line in report["rows"] if line["messages"]}})


def _import(practices, rows, token):
    report = practices.import_entries({"rows": rows, "dry_run": False})
    if token:
        checked_imports.forget(token)
    return report


def _uploaded_spreadsheet(request):
    content, declared_type, filename = read_upload(request, "file", MAX_SPREADSHEET_BYTES)
    spreadsheets.refuse_other_spreadsheets(content, filename)
    inspect_as(XLSX, content, declared_type, filename)
    return content


def _account(request):
    """Who sends the file (API token or page session); an anonymous request is refused by the service."""
    token = bearer_token(request) or getattr(request, "session_token", None)
    return verify_token(token, config["JWT_SECRET"]).username if token else None


def import_query(request, form):
    """The import's ``dry_run`` and ``token`` from the query string, a multipart form field overriding."""
    data = {key: request.args[key] for key in ("dry_run", "token") if key in request.args}
    data.update({key: form[key] for key in ("dry_run", "token") if form.get(key)})
    return load(ImportQuery(), data)


@route("POST", "/api/v1/practices", "Создать черновик записи (методист своего города)", TAG,
       body=EntryInputSchema, response=EntrySchema, status=201, auth=True)
def create_practice(gateway, request):
    return json_response(gateway.practices.create_entry(read_json(request)), 201)


@route("GET", "/api/v1/practices", "Опубликованные записи; с status — записи для автора и экспертов", TAG,
       query=PracticeListQuery, response={"anyOf": [SearchPageSchema, page_schema(EntrySchema)]})
def list_practices(gateway, request):
    query = read_query(request, PracticeListQuery())
    status, token = query.pop("status", None), bearer_token(request)
    if status in PUBLISHED_STATUSES and (token is None or _reader(token)):
        status = None  # guests and schools see the published registry: that is what the filter asks for
    elif status and token is None:
        raise Forbidden("Гостю доступны только опубликованные записи (status=approved); "
                        "записи в других состояниях видят методисты и эксперты после входа",
                        {"status": ["Без входа — только approved или published"]})
    if status:
        return json_response(gateway.practices.list_entries(
            {**query, "status": "approved" if status in PUBLISHED_STATUSES else status}))
    with gateway.read_model() as session:
        return json_response(views.search(session, doc_type="practice", **query))


@route("GET", "/api/v1/practices/<int:entry_id>", "Запись реестра", TAG, response=EntrySchema, versioned=True)
def get_practice(gateway, request, entry_id):
    return versioned_response(gateway.practices.get_entry(entry_id))


@route("PATCH", "/api/v1/practices/<int:entry_id>",
       "Изменить запись (опубликованная получает новую версию на рассмотрение); с If-Match — "
       "только если её никто не изменил", TAG,
       body=EntryInputSchema, response=EntrySchema, auth=True, versioned=True)
def edit_practice(gateway, request, entry_id):
    expected = expected_revisions(request)
    return versioned_response(gateway.practices.edit_entry(entry_id, read_json(request), expected_revisions=expected))


@route("POST", f"/api/v1/practices/<int:entry_id>/<any({ACTIONS}):action>",
       "Перевести запись: submit, approve, request-changes, reject, withdraw, archive", TAG,
       body=TransitionInputSchema, response=EntrySchema, auth=True)
def transition_practice(gateway, request, entry_id, action):
    data = read_json(request, reused(TransitionInputSchema), optional=True)
    return json_response(gateway.practices.transition(entry_id, action, data))


@route("POST", f"/api/v1/practices/bulk/<any({ACTIONS}):action>",
       "Одно действие над выбранными записями (до 1000); каждая — отдельно, отказы перечислены", TAG,
       body=BulkTransitionSchema, response=BulkResultSchema, auth=True)
def transition_practices(gateway, request, action):
    return json_response(gateway.practices.transition_many(action, read_json(request, BulkTransitionSchema())))


@route("GET", "/api/v1/practices/<int:entry_id>/history", "История изменений и решений, старые первыми", TAG,
       query=PageQuery, response=page_schema(HistoryItemSchema))
def practice_history(gateway, request, entry_id):
    query = read_query(request, PageQuery())
    history = with_names(gateway.read_model, gateway.practices.history(entry_id), "who", "who_name")
    return json_response(page_of_list(history, **query))


@route("GET", "/api/v1/review-queue", "Очередь на рассмотрение (эксперт), старые первыми", TAG,
       query=ReviewQueueQuery, response=page_schema(EntrySchema), auth=True)
def review_queue(gateway, request):
    return json_response(gateway.practices.review_queue(read_query(request, ReviewQueueQuery())))


@route("POST", "/api/v1/practices/import",
       "Импорт из Excel (.xlsx): dry_run=true — отчёт по строкам, dry_run=false — загрузка всех строк", TAG,
       query=ImportQuery, response=ImportReportSchema, auth=True, upload="file")
def import_practices(gateway, request):
    form = request.form if request.mimetype == "multipart/form-data" else {}
    return json_response(import_spreadsheet(gateway.practices, request, import_query(request, form)))


@route("GET", "/api/v1/practices/import/template.xlsx", "Шаблон Excel для импорта", TAG, response_type=XLSX)
def import_template(gateway, request):
    return Response(spreadsheets.template(), content_type=XLSX, headers={
        "Content-Disposition": 'attachment; filename="shablon-importa-praktik.xlsx"'})
