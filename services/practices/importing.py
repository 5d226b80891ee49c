"""Bulk import of entries from a methodist's spreadsheet: a report per row, and all-or-nothing."""
from marshmallow import ValidationError

from services.practices.contract import KindSchema, content_schema
from services.practices.registry import create_entries
from shared.auth import METHODIST, require_role
from shared.errors import ValidationFailed


def import_entries(session, actor, rows, dry_run=True):
    """Check every row; unless ``dry_run``, create them all as drafts, or none if any row is bad.

    ``rows`` are ``{"row": spreadsheet row number, "values": {field: value}}``.
    """
    require_role(actor, METHODIST)
    report = [_check_row(row) for row in rows]
    invalid = [line for line in report if line["status"] == "invalid"]
    summary = {"dry_run": dry_run, "total": len(report), "valid": len(report) - len(invalid),
               "invalid": len(invalid), "created": 0, "rows": report}
    if invalid and not dry_run:
        raise ValidationFailed(f"Импорт не выполнен: строк с ошибками — {len(invalid)}. Исправьте их и повторите",
                               {"rows": {str(line["row"]): line["errors"] for line in invalid}})
    if dry_run or not report:
        return summary
    drafts = [(values.pop("kind"), values) for values in (dict(row["values"]) for row in rows)]
    for line, entry in zip(report, create_entries(session, actor, drafts)):
        line.update(status="created", id=entry.id)
    summary["created"] = len(report)
    return summary


def _check_row(row):
    values = dict(row["values"])
    line = {"row": row["row"], "title": values.get("title") or "", "status": "valid", "errors": {}}
    try:
        kind = KindSchema().load({"kind": values.pop("kind", None)})["kind"]
        content_schema(kind)().load(values)
    except ValidationError as error:
        line.update(status="invalid", errors=error.messages)
    return line
