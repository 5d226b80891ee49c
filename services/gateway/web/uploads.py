"""A methodist's uploads: an Excel list of entries (checked first, then imported) and methodical resources."""
from services.gateway import views
from services.gateway.endpoints.registry import import_query, import_spreadsheet
from services.gateway.endpoints.resources import resource_from_form
from services.gateway.web.forms import form_dict
from services.gateway.web.freshness import await_projection
from services.gateway.web.rendering import AUTHORS, AUTHORS_ONLY, only_for, page, redirect, render
from shared.errors import BadRequest, NotFound, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from shared.schemas import MAX_PER_PAGE

UPLOAD_ERRORS = (BadRequest, PayloadTooLarge, UnsupportedMediaType, ValidationFailed)
CLOSED = ("rejected", "withdrawn", "archived")  # entries nobody works on any more


def _refusals(error):
    """Every sentence of a refused import: header problems, or each bad row's errors."""
    rows = (error.fields or {}).get("rows")
    if isinstance(rows, dict):
        return [message for messages in rows.values() for message in messages]
    return []


@page("GET", "/entries/import")
def import_page(gateway, request, visitor):
    only_for(visitor, AUTHORS, AUTHORS_ONLY)
    return render(request, "import.html", report=None, errors={})


@page("POST", "/entries/import")
def import_entries_page(gateway, request, visitor):
    """A new file is checked; «Импортировать» after a clean check posts the kept file's token instead."""
    form = {"dry_run": request.form.get("dry_run", "true"), "token": request.form.get("token", "")}
    upload = request.files.get("file")
    if upload and upload.filename:
        form["token"] = ""  # a file chosen anew replaces the one checked before
    try:
        if not form["token"] and not (upload and upload.filename):
            raise BadRequest("Выберите файл .xlsx", {"file": ["Выберите файл .xlsx, затем нажмите «Проверить»"]})
        query = import_query(request, form)
        dry_run = query["dry_run"]
        report = import_spreadsheet(gateway.practices, request, query)
    except UPLOAD_ERRORS + (NotFound,) as error:
        return render(request, "import.html", status=error.status, report=None, errors=error.fields,
                      message=error.message, refusals=_refusals(error))
    if not dry_run and report["created"]:
        return redirect("/cabinet?done=imported")
    return render(request, "import.html", status=200 if dry_run else 422, report=report, errors={})


@page("GET", "/resources/new")
def new_resource_page(gateway, request, visitor):
    only_for(visitor, AUTHORS, AUTHORS_ONLY)
    return _resource_form(gateway, request, typed={"practice_id": request.args.get("practice_id", "")}, errors={})


@page("POST", "/resources/new")
def add_resource_page(gateway, request, visitor):
    form = {key: value for key, value in form_dict(request).items() if value.strip()}
    upload = request.files.get("file")
    try:
        data = resource_from_form(form, upload if upload and upload.filename else None)
        resource = gateway.practices.add_resource(data)
    except UPLOAD_ERRORS as error:
        return _resource_form(gateway, request, typed=form, errors=error.fields, message=error.message,
                                   status=error.status)
    # The entry page lists resources from the read model (past the wait it says «Ресурс добавлен» and
    # lists it once it arrives).
    await_projection(gateway, lambda session: views.resource_indexed(session, resource["id"]))
    target = f"/practices/{resource['practice_id']}" if resource.get("practice_id") else "/cabinet"
    return redirect(f"{target}?done=uploaded")


def _resource_form(gateway, request, typed, errors, status=200, message=None):
    """The city's own entries in every state but the closed ones: a draft gets its files before review."""
    entries = [entry for entry in gateway.practices.list_entries({"sort": "title", "per_page": MAX_PER_PAGE})["items"]
               if entry["status"] not in CLOSED]
    return render(request, "resource_form.html", status=status, typed=typed, errors=errors, message=message,
                  entries=entries)
