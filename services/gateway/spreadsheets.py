"""Reading and writing the Excel sheets methodists keep their lists in (openpyxl).

Columns are titled and read as the forms show them: a kind plugin describes its fields with
``sheet_columns`` (shared/plugins.py), the common fields are described here.
"""
import difflib
import io
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from eventlet import tpool
from marshmallow import fields
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from services.practices.contract import CommonContentSchema
from shared.errors import NetworkError, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from shared.licenses import DEFAULT_LICENSE, LICENSES
from shared.plugins import CellError, SheetColumn, directions, entry_kinds

MAX_ROWS = 5000
LISTS_SHEET = "Списки"  # the template's hidden sheet of dropdown values
# A list of MAX_ROWS entries is a few megabytes of sheet XML; beyond this it is not such a list.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
# Sheet XML compresses some 10–30 times; a large part compressed far more is made of nothing (a zip bomb).
MAX_RATIO, RATIO_FROM_BYTES = 200, 1024 * 1024
OTHER_FORMATS = (".xls", ".ods", ".csv", ".xlsb", ".numbers")
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the legacy .xls (and .doc) container
BROKEN = "Книга Excel повреждена"
TOO_LARGE = "Книга Excel слишком велика для импорта"


def _license_label(item):
    return item.title.split(" — ")[0]  # «CC BY 4.0», as licences are written on title pages


COMMON_COLUMNS = {
    "title": SheetColumn("Название", hint="Название записи, от 3 символов; обязательно",
                         example="Профпроба «Кондитер»"),
    "summary": SheetColumn("Краткое описание", hint="Несколько предложений о записи; необязательно"),
    "organization": SheetColumn("Организация", hint="Организация-автор или провайдер пробы; необязательно",
                                example="МОУ СОШ № 1"),
    "tags": SheetColumn("Теги", hint="Слова через запятую; необязательно", example="кулинария, 8 класс"),
    "license": SheetColumn("Лицензия", choices={code: _license_label(item) for code, item in LICENSES.items()},
                           hint=f"Условия публикации; пусто — {_license_label(LICENSES[DEFAULT_LICENSE])}"),
}


def columns():
    """Every field an entry of any installed kind can have (common fields first) → its :class:`SheetColumn`."""
    kinds = entry_kinds().values()
    described = {"kind": SheetColumn("Вид записи", choices={kind.name: kind.title for kind in kinds},
                                     hint="Вид записи; обязательно"), **COMMON_COLUMNS,
                 "direction": SheetColumn("Направление", choices=directions(),
                                          example=directions()["self_determination"],
                                          hint="Направление работы из списка сети; необязательно")}
    for kind in kinds:
        for name, declared in kind.schema._declared_fields.items():
            column = kind.sheet_columns.get(name) or SheetColumn(
                declared.metadata.get("description") or name, hint=f"Только для вида «{kind.title}»")
            if name not in described:
                described[name] = column
            elif column.choices:  # a closed field several kinds have: one column offering every kind's values
                first = described[name].choices
                described[name] = replace(described[name], choices=first | {
                    code: label for code, label in column.choices.items() if code not in first})
    return described


def list_fields():
    declared = dict(CommonContentSchema._declared_fields)
    for kind in entry_kinds().values():
        declared.update(kind.schema._declared_fields)
    return {name for name, field in declared.items() if isinstance(field, fields.List)}


@dataclass
class Sheet:
    """The rows of a read sheet, what their cells could not become, and each field's title in the file."""

    rows: list  # [{"row": n, "values": {field: value}}], the bad cells left out
    problems: dict  # {row: {field: [message]}}
    titles: dict  # {field: the column's title as written in the file}


def refuse_other_spreadsheets(data, filename):
    """Another program's format (.xls, .ods, .csv) is refused with what to do instead (415)."""
    extension = PurePosixPath((filename or "").replace("\\", "/")).suffix.lower()
    if extension in OTHER_FORMATS or data.startswith(OLE2_SIGNATURE) or _is_open_document(data):
        shown = extension or ".xls или .ods"
        raise UnsupportedMediaType("Импорт принимает только книги Excel .xlsx",
                                   {"file": [f"Файл {shown} не подходит: сохраните файл в формате .xlsx"]})


def _is_open_document(data):
    return data.startswith(b"PK\x03\x04") and data[30:38] == b"mimetype" and b"opendocument" in data[38:120]


def read_sheet(data):
    """The :class:`Sheet` of an .xlsx; headers may be column titles or field names.

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
    header, titles = _header(next(lines, ()))
    described, many = columns(), list_fields()
    rows, problems = [], {}
    for number, cells in enumerate(lines, start=2):
        values = {}
        for name, cell in zip(header, cells):
            if name is None or cell is None or (isinstance(cell, str) and not cell.strip()):
                continue
            try:
                values[name] = _value(described[name], name in many, cell)
            except CellError as error:
                problems.setdefault(number, {})[name] = [str(error)]
        if values or number in problems:
            rows.append({"row": number, "values": values})
        if len(rows) > MAX_ROWS:
            raise ValidationFailed(f"Не больше {MAX_ROWS} строк за один импорт", {"file": ["Слишком много строк"]})
    return Sheet(rows, problems, titles)


def _header(cells):
    """Field of each column, and each field's title as written; any unknown title refuses the file."""
    described = columns()
    known = {column.title.lower(): name for name, column in described.items()} | {name: name for name in described}
    header, titles, refusals = [], {}, []
    for cell in cells:
        written = " ".join(str(cell).split()) if cell is not None else ""
        name = known.get(written.lower())
        if written and name is None:
            refusals.append(_unknown_title(written, described))
        elif name in titles:
            refusals.append(f"Столбец «{written}» встречается дважды")
        elif name:
            titles[name] = written
        header.append(name)
    if refusals:
        raise ValidationFailed("Заголовки столбцов не совпадают с шаблоном: ни одна строка не загружена",
                               {"file": refusals})
    if "kind" not in titles or "title" not in titles:
        raise ValidationFailed("В первой строке нужны заголовки столбцов, как в шаблоне",
                               {"file": ["Нет столбцов «Вид записи» и «Название»"]})
    return header, titles


def _unknown_title(written, described):
    """What to say of a title no column has: the closest expected title, or all of them."""
    expected = {column.title.lower(): column.title for column in described.values()}
    close = difflib.get_close_matches(written.lower(), expected, n=1, cutoff=0.6)
    if close:
        return f"Столбец «{written}» не распознан — возможно, «{expected[close[0]]}»?"
    return f"Столбец «{written}» не распознан; столбцы шаблона: {', '.join(f'«{t}»' for t in expected.values())}"


def _value(column, many, cell):
    """The field's value from a cell: a form label or code of a closed field, the kind's own parsing,
    a list split at commas; whole numbers Excel stores as 8.0 become 8."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if hasattr(cell, "isoformat"):
        if column.parse or column.choices:
            raise CellError(f"Excel принял значение за дату ({cell:%d.%m}); задайте ячейке текстовый формат "
                            f"и впишите значение снова")
        return cell.isoformat()
    if column.choices:
        return _choice(column, str(cell))
    if column.parse:
        return column.parse(cell)
    if many:
        return [part.strip() for part in str(cell).replace(";", ",").split(",") if part.strip()]
    return cell.strip() if isinstance(cell, str) else cell


def _choice(column, text):
    written = " ".join(text.split()).lower()
    for code, label in column.choices.items():
        if written in (code.lower(), label.lower()):
            return code
    if column.title == COMMON_COLUMNS["license"].title:  # a licence may also be written in full
        for code, item in LICENSES.items():
            if written == item.title.lower():
                return code
    raise CellError(f"«{text.strip()}» — нет такого значения; допустимы: "
                    + ", ".join(f"«{label}»" for label in column.choices.values()))


def explain(report, sheet):
    """The service's report with the sheet's own cell errors merged in, and every error told as
    «Строка 5, столбец «Классы»: …» with the column titled as in the file."""
    described = columns()
    for line in report["rows"]:
        errors = {**line.get("errors", {}), **sheet.problems.get(line["row"], {})}
        if errors:
            line.update(status="invalid", errors=errors)
        line["messages"] = [_sentence(line["row"], sheet.titles.get(name) or _title(described, name), text)
                            for name, reasons in errors.items() for text in _flat(reasons)]
    report["invalid"] = sum(line["status"] == "invalid" for line in report["rows"])
    report["valid"] = report["total"] - report["invalid"]
    return report


def _title(described, name):
    return described[name].title if name in described else None


def _sentence(row, title, text):
    return f"Строка {row}, столбец «{title}»: {text}" if title else f"Строка {row}: {text}"


def _flat(reasons, position=None):
    """Messages of a field; a list's item errors («0»: […]) say which value, counted from one."""
    if isinstance(reasons, dict):
        for key, inner in reasons.items():
            yield from _flat(inner, int(key) + 1 if str(key).isdigit() else position)
    elif isinstance(reasons, list):
        for reason in reasons:
            yield from _flat(reason, position)
    else:
        yield f"{position}-е значение: {reasons}" if position else str(reasons)


TEMPLATE_ROWS = 1000  # rows the dropdowns and text formats cover


def template():
    """An .xlsx in Russian: the «Записи» sheet (titles, one example row per installed kind in the words
    of the forms, a dropdown on every closed column) and «Пояснения», a line per column."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Записи"
    described = columns()
    sheet.append([column.title for column in described.values()])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for kind in entry_kinds().values():
        example = {"kind": kind.name, "title": f"Пример: {kind.title.lower()}", "license": DEFAULT_LICENSE,
                   **kind.example}
        sheet.append([_shown(column, example.get(name)) for name, column in described.items()])
    # Dropdown values live on a hidden sheet: a list typed into the rule itself may hold at most 255
    # characters and no commas, which the directions and licences exceed.
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    for cell, column in zip(sheet[1], described.values()):
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = 24
        cells = f"{letter}2:{letter}{TEMPLATE_ROWS}"
        if column.choices:
            for row, label in enumerate(column.choices.values(), start=1):
                lists[f"{letter}{row}"] = label
            dropdown = DataValidation(type="list", formula1=f"'{LISTS_SHEET}'!${letter}$1:${letter}${row}",
                                      allow_blank=True, showErrorMessage=True, errorTitle=column.title,
                                      error="Выберите значение из списка")
            dropdown.add(cells)
            sheet.add_data_validation(dropdown)
        elif column.parse:  # «8-9» typed into a General cell would become the 8th of September
            for row in range(2, TEMPLATE_ROWS + 1):
                sheet[f"{letter}{row}"].number_format = "@"
    sheet.freeze_panes = "A2"
    _explanations(book.create_sheet("Пояснения", 1), described)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _explanations(sheet, described):
    sheet.append(["Столбец", "Что вписать", "Допустимые значения", "Пример"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in described.values():
        allowed = "число (см. пояснение)" if column.parse else "текст"
        if column.choices:
            allowed = f"из списка: {', '.join(column.choices.values())}"
        sheet.append([column.title, column.hint, allowed,
                      column.example or next(iter(column.choices.values()), "")])
    for letter, width in zip("ABCD", (24, 60, 60, 30)):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _shown(column, value):
    """A value of a kind's example as a methodist writes it: labels, not codes; lists with commas."""
    if isinstance(value, list) and len(value) > 1 and value == list(range(value[0], value[0] + len(value))):
        return f"{value[0]}-{value[-1]}"  # consecutive classes, as a range
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return column.choices.get(value, value) if column.choices else value
