"""Reading and writing the Excel sheets methodists keep their lists in (openpyxl)."""
import io
import zipfile

from marshmallow import fields
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from services.practices.schemas import CommonContentSchema
from shared.errors import UnsupportedMediaType, ValidationFailed
from shared.plugins import entry_kinds

COLUMN_TITLES = {
    "kind": "Вид записи", "title": "Название", "summary": "Краткое описание", "direction": "Направление",
    "organization": "Организация", "tags": "Теги", "profession": "Профессия", "grades": "Классы",
    "duration_hours": "Длительность, ч", "format": "Формат", "profminimum_level": "Уровень профминимума",
    "goal": "Цель", "audience": "Целевая аудитория", "results": "Результаты", "authors": "Авторы",
    "license": "Лицензия",
}
MAX_ROWS = 5000


def columns():
    """Every field an entry of any installed kind can have, common fields first."""
    names = ["kind", *CommonContentSchema._declared_fields]
    for kind in entry_kinds().values():
        names += [name for name in kind.schema._declared_fields if name not in names]
    return names


def list_fields():
    declared = dict(CommonContentSchema._declared_fields)
    for kind in entry_kinds().values():
        declared.update(kind.schema._declared_fields)
    return {name for name, field in declared.items() if isinstance(field, fields.List)}


def read_rows(data):
    """``[{"row": n, "values": {field: value}}]`` from an .xlsx; headers may be field names or titles."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UnsupportedMediaType("Ожидался файл Excel (.xlsx)", {"file": ["Файл не является книгой .xlsx"]})
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except (InvalidFileException, KeyError, zipfile.BadZipFile, IndexError):
        raise UnsupportedMediaType("Не удалось прочитать книгу Excel", {"file": ["Повреждённый или не .xlsx файл"]}) \
            from None
    lines = sheet.iter_rows(values_only=True)
    header = _header(next(lines, ()))
    rows = []
    for number, cells in enumerate(lines, start=2):
        values = {name: _value(name, cell) for name, cell in zip(header, cells) if name and cell not in (None, "")}
        if values:
            rows.append({"row": number, "values": values})
        if len(rows) > MAX_ROWS:
            raise ValidationFailed(f"Не больше {MAX_ROWS} строк за один импорт", {"file": ["Слишком много строк"]})
    return rows


def _header(cells):
    by_title = {title.lower(): name for name, title in COLUMN_TITLES.items()}
    known = set(columns())
    header = []
    for cell in cells:
        text = str(cell or "").strip().lower()
        header.append(text if text in known else by_title.get(text))
    if "kind" not in header or "title" not in header:
        raise ValidationFailed("В первой строке нужны заголовки столбцов, как в шаблоне",
                               {"file": ["Нет столбцов «Вид записи» и «Название»"]})
    return header


def _value(name, cell):
    if name == "kind" and isinstance(cell, str):
        titles = {kind.title.lower(): kind.name for kind in entry_kinds().values()}
        return titles.get(cell.strip().lower(), cell.strip())
    if name in list_fields():
        parts = [part.strip() for part in str(cell).replace(";", ",").split(",") if part.strip()]
        return [int(part) if part.isdigit() and name == "grades" else part for part in parts]
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if hasattr(cell, "isoformat"):
        return cell.isoformat()
    return cell.strip() if isinstance(cell, str) else cell


def template():
    """An .xlsx with the column headers and one example row per installed kind."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Записи"
    names = columns()
    sheet.append([COLUMN_TITLES.get(name, name) for name in names])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for kind in entry_kinds().values():
        example = {"kind": kind.title, "title": f"Пример: {kind.title.lower()}", **kind.example}
        sheet.append([_cell(example.get(name)) for name in names])
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 24
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _cell(value):
    return ", ".join(map(str, value)) if isinstance(value, list) else value
