"""What ``../shared/API.md`` promises, read from the file itself: its operations and their query
parameters, so a line added there is checked by tests/integration/test_contract.py without a test edit.

The reading follows the document's own conventions: an operation is a code span «METHOD /path?a=&b=»;
within one list item a following span «/enable» or «.pdf» is a sibling of the previous path, a bare
«DELETE» acts on an item of the previous collection («`DELETE` a booking»), and a path with
``<action>`` stands for each bare word listed in the item (`submit`, `approve`, …). The «Planned»
section is left out: the document itself says not to build it before an issue asks.
"""
import re
from dataclasses import dataclass, field

from shared.config import REPO_ROOT

API_MD = REPO_ROOT.parent / "shared" / "API.md"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
CODE_SPAN = re.compile(r"`([^`]+)`")
OPERATION = re.compile(r"^(GET|POST|PUT|PATCH|DELETE)\s+(/\S*)$")
BARE_WORD = re.compile(r"^[a-z]+(?:-[a-z]+)*$")
PLACEHOLDER = re.compile(r"<[a-z_]+>")
LEFT_OUT_SECTIONS = ("Planned",)


@dataclass
class Operation:
    method: str | None  # None: a path the document names without a method (it must exist with some method)
    path: str  # as written, e.g. /api/v1/practices/{id}/history
    query: list = field(default_factory=list)  # the query parameters it lists
    section: str = ""

    @property
    def key(self):
        return f"{self.method or '*'} {self.path}"


def operations(text=None):
    """Every operation of the document, in its order, each once."""
    text = API_MD.read_text(encoding="utf-8") if text is None else text
    found = {}
    for section, items in _sections(text):
        if section.startswith(LEFT_OUT_SECTIONS):
            continue
        for item in items:
            for operation in _item_operations(item, section):
                known = found.setdefault(operation.key, operation)
                known.query = sorted(set(known.query) | set(operation.query))
    return list(found.values())


def _sections(text):
    """``[(heading, [list item text])]``; an item's wrapped lines are joined to it."""
    sections, heading, items = [], "", []
    for line in text.splitlines():
        if line.startswith("#"):
            sections.append((heading, items))
            heading, items = line.lstrip("# ").strip(), []
        elif line.startswith("- "):
            items.append(line[2:])
        elif line.strip() and items and line.startswith(" "):
            items[-1] += " " + line.strip()
    sections.append((heading, items))
    return sections


def _item_operations(item, section):
    spans = [re.sub(r"\s+", " ", span).strip() for span in CODE_SPAN.findall(item)]
    words = [span for span in spans if BARE_WORD.match(span)]
    previous = None
    for span in spans:
        operation = None
        matched = OPERATION.match(span.replace("? ", "?"))
        if matched:
            path, _, query = matched[2].partition("?")
            operation = Operation(matched[1], path, [p.split("=")[0] for p in query.split("&") if p], section)
        elif previous and span.startswith("/") and not span.startswith("/api/"):
            operation = Operation(previous.method, previous.path.rsplit("/", 1)[0] + span, [], section)
        elif previous and re.fullmatch(r"\.[a-z]+", span):
            operation = Operation(previous.method, previous.path.rsplit(".", 1)[0] + span, [], section)
        elif previous and span in METHODS:
            operation = Operation(span, previous.path + "/{id}", [], section)
        elif span.startswith("/api/") and " " not in span:
            operation = Operation(None, span, [], section)
        if operation is None:
            continue
        previous = operation
        if PLACEHOLDER.search(operation.path):
            yield from (Operation(operation.method, PLACEHOLDER.sub(word, operation.path), [], section)
                        for word in words)
        else:
            yield operation


def concrete(path, values):
    """``/api/v1/practices/{id}/history`` with ``{id}`` replaced by the value of the segment before it
    (``values["practices"]``), ``{session_id}`` by ``values["sessions"]`` and so on."""
    def replace(match):
        segment = path[:match.start()].rstrip("/").rsplit("/", 1)[-1]
        return str(values[segment])
    return re.sub(r"\{[a-z_]+\}", replace, path)


def openapi_pattern(path, operation):
    """A regex of the concrete paths an OpenAPI path template accepts (its enums, integers, strings)."""
    kinds = {p["name"]: p.get("schema", {}) for p in operation.get("parameters", []) if p.get("in") == "path"}
    pattern, position = "", 0
    for match in re.finditer(r"\{([a-z_]+)\}", path):
        pattern += re.escape(path[position:match.start()])
        schema = kinds.get(match[1], {})
        if schema.get("enum"):
            pattern += "(?:" + "|".join(re.escape(choice) for choice in schema["enum"]) + ")"
        else:
            pattern += r"\d+" if schema.get("type") == "integer" else r"[^/.]+"
        position = match.end()
    return re.compile(pattern + re.escape(path[position:]) + "$")
