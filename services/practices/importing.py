"""Bulk import of entries from a methodist's spreadsheet: a report per row, and all-or-nothing."""
from marshmallow import ValidationError

from services.practices.contract import KindSchema, content_schema
from services.practices.registry import add_drafts
from shared.auth import METHODIST, require_role
from shared.errors import ValidationFailed
from shared.schemas import reused


def import_entries(session, actor, rows, dry_run=True):
    """Check every row; unless ``dry_run``, create them all as drafts, or none if any row is bad.

    ``rows`` are ``{"row": spreadsheet row number, "values": {field: value}}``.
    """
    require_role(actor, METHODIST)
    checked = [_check_row(row) for row in rows]
    report = [line for line, _ in checked]
    invalid = [line for line in report if line["status"] == "invalid"]
    summary = {"dry_run": dry_run, "total": len(report), "valid": len(report) - len(invalid),
               "invalid": len(invalid), "created": 0, "rows": report}
    if invalid and not dry_run:
        raise ValidationFailed(f"Импорт не выполнен: строк с ошибками — {len(invalid)}. Исправьте их и повторите",
                               {"rows": {str(line["row"]): line["errors"] for line in invalid}})
    if dry_run or not report:
        return summary
    for line, entry in zip(report, add_drafts(session, actor, [draft for _, draft in checked])):
        line.update(status="created", id=entry.id)
    summary["created"] = len(report)
    return summary


def _check_row(row):
    """``(report line, (kind, loaded content))``; the draft is None for an invalid row. The content is
    loaded once, here: the same load is what creating the entry would do again."""
    values = dict(row["values"])
    line = {"row": row["row"], "title": values.get("title") or "", "status": "valid", "errors": {}}
    try:
        kind = reused(KindSchema).load({"kind": values.pop("kind", None)})["kind"]
        return line, (kind, reused(content_schema(kind)).load(values))
    except ValidationError as error:
        line.update(status="invalid", errors=error.messages)
    return line, None
