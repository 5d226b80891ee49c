"""An entry's field values as its readers see them, in the words of its entry-kind plugin
(EntryKindPlugin.shown); licences by their short name."""
from shared.licenses import LICENSES
from shared.plugins import entry_kinds


def shown_value(kind, name, value):
    """What a page shows for field ``name`` of an entry of ``kind`` holding ``value`` ("" for nothing)."""
    if name == "license" and value:
        licence = LICENSES.get(value)
        return licence.title.split(" — ")[0] if licence else str(value)
    plugin = entry_kinds().get(kind)
    if plugin is None:  # a kind whose plugin was uninstalled: its values as stored
        return "" if value in (None, "", []) else str(value)
    return plugin.shown(name, value)


def own_fields(entry):
    """``(name, label, text)`` of the entry's own fields that hold something, in the kind's order."""
    plugin = entry_kinds().get(entry["kind"])
    if plugin is None:  # a kind whose plugin was uninstalled: nothing to label its fields by
        return []
    shown = ((name, plugin.shown(name, entry.get(name))) for name in plugin.schema._declared_fields)
    return [(name, plugin.label(name), text) for name, text in shown if text]
