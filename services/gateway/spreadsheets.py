"""Reading and writing the Excel sheets methodists keep their lists in (openpyxl)."""
import io
import zipfile
import zlib
from pathlib import PurePosixPath

from eventlet import tpool
from marshmallow import fields
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from services.practices.schemas import CommonContentSchema
from shared.errors import NetworkError, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from shared.plugins import entry_kinds

COLUMN_TITLES = {
    "kind": "Вид записи", "title": "Название", "summary": "Краткое описание", "direction": "Направление",
    "organization": "Организация", "tags": "Теги", "profession": "Профессия", "grades": "Классы",
    "duration_hours": "Длительность, ч", "format": "Формат", "profminimum_level": "Уровень профминимума",
    "goal": "Цель", "audience": "Целевая аудитория", "results": "Результаты", "authors": "Авторы",
    "license": "Лицензия",
}
MAX_ROWS = 5000
# A list of MAX_ROWS entries is a few megabytes of sheet XML; beyond this it is not such a list.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
# Sheet XML compresses some 10–30 times; a large part compressed far more is made of nothing (a zip bomb).
MAX_RATIO, RATIO_FROM_BYTES = 200, 1024 * 1024
OTHER_FORMATS = (".xls", ".ods", ".csv", ".xlsb", ".numbers")
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the legacy .xls (and .doc) container
BROKEN = "Книга Excel повреждена"
TOO_LARGE = "Книга Excel слишком велика для импорта"


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


def refuse_other_spreadsheets(data, filename):
    """Another program's format (.xls, .ods, .csv) is refused with what to do instead (415)."""
    extension = PurePosixPath((filename or "").replace("\\", "/")).suffix.lower()
    if extension in OTHER_FORMATS or data.startswith(OLE2_SIGNATURE) or _is_open_document(data):
        shown = extension or ".xls или .ods"
        raise UnsupportedMediaType("Импорт принимает только книги Excel .xlsx",
                                   {"file": [f"Файл {shown} не подходит: сохраните файл в формате .xlsx"]})


def _is_open_document(data):
    return data.startswith(b"PK\x03\x04") and data[30:38] == b"mimetype" and b"opendocument" in data[38:120]


def read_rows(data):
    """``[{"row": n, "values": {field: value}}]`` from an .xlsx; headers may be field names or titles.

    The package is checked before anything parses it (sizes from the zip directory, no entity
    declarations); the parse runs in an OS thread, so the gateway serves other requests meanwhile.
    """
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UnsupportedMediaType("Ожидался файл Excel (.xlsx)", {"file": ["Файл не является книгой .xlsx"]})
    _check_package(data)
    return tpool.execute(_parse, data)


def _check_package(data):
    """Refuse a zip bomb by the sizes its directory declares (zipfile never unpacks more than declared),
    and XML with a DOCTYPE: entity declarations are how «billion laughs» and external entities start."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = package.infolist()
        if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
            raise PayloadTooLarge(TOO_LARGE, {"file": [f"Книга распаковывается больше чем в "
                                                       f"{MAX_UNPACKED_BYTES // 2**20} МБ: это не список записей"]})
        for part in parts:
            if part.file_size > RATIO_FROM_BYTES and part.file_size > MAX_RATIO * max(part.compress_size, 1):
                raise PayloadTooLarge(TOO_LARGE, {"file": ["Книга сжата подозрительно сильно (похоже на zip-бомбу)"]})
        for part in parts:
            if part.filename.lower().endswith((".xml", ".rels")) and _declares_entities(package, part):
                raise ValidationFailed(BROKEN, {"file": ["Внутри книги XML с объявлениями DOCTYPE/ENTITY: "
                                                         "такие файлы не принимаются"]})


def _declares_entities(package, part):
    try:
        content = package.read(part)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, zlib.error):
        raise ValidationFailed(BROKEN, {"file": [f"Часть книги «{part.filename}» не распаковывается"]}) from None
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        content = content.decode("utf-16", "replace").encode("utf-8")
    return b"<!doctype" in content.lower() or b"<!entity" in content.lower()


def _parse(data):
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        return _rows(sheet.iter_rows(values_only=True))
    except NetworkError:
        raise
    except (InvalidFileException, zipfile.BadZipFile, zlib.error, EOFError):
        raise UnsupportedMediaType("Не удалось прочитать книгу Excel", {"file": ["Повреждённый или не .xlsx файл"]}) \
            from None
    except Exception as error:  # noqa: BLE001  (whatever a broken part makes openpyxl raise is the file's fault)
        raise ValidationFailed(BROKEN, {"file": [f"Книга Excel повреждена и не читается ({_reason(error)})"]}) \
            from None


def _reason(error):
    """What went wrong, short: which kind of damage, without a traceback."""
    if isinstance(error, SyntaxError):  # ElementTree's and lxml's parse errors alike
        return "неправильный XML листа"
    if isinstance(error, IndexError):
        return "ссылка на несуществующую строку в общем списке строк"
    if isinstance(error, KeyError):
        return "не хватает части книги"
    return "неизвестная ошибка формата"


def _rows(lines):
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
