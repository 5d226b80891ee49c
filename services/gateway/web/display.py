"""An entry's field values as its readers see them: titles of closed values from the entry-kind plugin,
licences by their short name, classes as a range, numbers with a decimal comma and their unit."""
from shared.licenses import LICENSES
from shared.plugins import entry_kinds
from shared.wording import decimal, grades_text


def shown_value(kind, name, value):
    """What a page shows for field ``name`` of an entry of ``kind`` holding ``value`` ("" for nothing)."""
    plugin = entry_kinds().get(kind)
    if value is None or value == "" or value == []:
        return ""
    if name == "license":
        licence = LICENSES.get(value)
        return licence.title.split(" — ")[0] if licence else str(value)
    titles = plugin.choice_titles.get(name, {}) if plugin else {}
    if isinstance(value, str):
        return titles.get(value, value)
    if name == "grades":
        return grades_text(value)
    if isinstance(value, list):
        return ", ".join(titles.get(item, str(item)) for item in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        unit = plugin.units.get(name) if plugin else None
        return f"{decimal(value)} {unit}" if unit else decimal(value)
    return str(value)
