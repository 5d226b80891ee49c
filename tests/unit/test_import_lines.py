"""The lines between the packages hold: who may import whom, read from every file's ``import`` statements
(top-level or inside a function alike). A new ``shared → services`` or ``gateway → practices`` import
fails here, naming the file and line."""
import ast
from pathlib import Path

import pytest

from shared.config import REPO_ROOT

# Files under the first path must not import the second module (nor anything below it), unless the
# third allows it. In a services/{a} row, {a} is the file's own service and {b} every other one.
RULES = (
    # files under   must not import     unless it is
    ("shared", "services", None),
    ("shared", "application", None),
    ("shared", "tests", None),
    ("shared", "bench", None),
    ("services", "application", None),
    ("services", "tests", None),
    ("services", "bench", None),
    ("services/{a}", "services.{b}", "services.{b}.contract"),  # between services: their contracts only
    ("bench", "tests", None),
)
CHECKED = ("application", "bench", "services", "shared", "tests")
SERVICES_DIR = REPO_ROOT / "services"


def services():
    return sorted(path.name for path in SERVICES_DIR.iterdir() if (path / "__init__.py").exists())


def imported(path, source):
    """``(line, statement's module, names it brings)`` of each import in ``source`` (the file at repo-relative
    ``path``); ``from a.b import c`` brings ``a.b.c``, as ``c`` may be a module of its own."""
    package = list(Path(path).parent.parts)
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, [alias.name]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            yield node.lineno, module, [module if alias.name == "*" else f"{module}.{alias.name}"
                                        for alias in node.names]


def rules_for(path):
    """``(forbidden, allowed)`` pairs that apply to the file at repo-relative ``path``."""
    parts = Path(path).parts
    for where, forbidden, allowed in RULES:
        if "{a}" not in where:
            if parts[:len(Path(where).parts)] == Path(where).parts:
                yield forbidden, allowed
            continue
        own = parts[1] if len(parts) > 2 and parts[0] == "services" else None
        if own is None:
            continue
        for other in services():
            if other != own:
                yield forbidden.format(b=other), allowed and allowed.format(b=other)


def within(name, module):
    return name == module or name.startswith(module + ".")


def violations(path, source):
    """``path:line imports name`` for each import of ``source`` that crosses a line of RULES."""
    found = []
    rules = list(rules_for(path))
    for line, module, names in imported(path, source):
        if any(within(name, forbidden) and not (allowed and within(name, allowed))
               for name in names for forbidden, allowed in rules):
            found.append(f"{path}:{line} imports {module}")
    return found


def python_files():
    for top in CHECKED:
        for file in sorted((REPO_ROOT / top).rglob("*.py")):
            yield file.relative_to(REPO_ROOT)


def test_no_file_imports_across_a_line():
    crossing = [violation for path in python_files()
                for violation in violations(path, (REPO_ROOT / path).read_text(encoding="utf-8"))]
    assert crossing == [], "imports across the package lines (tests/unit/test_import_lines.py RULES):\n" + \
        "\n".join(crossing)


@pytest.mark.parametrize("path, source", [
    ("shared/anything.py", "from services.practices.review import TRANSITIONS"),
    ("shared/anything.py", "def later():\n    import application.cli"),
    ("shared/anything.py", "from services import practices"),
    ("services/gateway/web/forms.py", "from services.practices import review"),
    ("services/gateway/web/forms.py", "from ...practices.schemas import EntrySchema"),
    ("services/festivals/anything.py", "import services.catalog.directory"),
    ("services/practices/anything.py", "from tests.support import eventually"),
    ("bench/anything.py", "from tests.integration.test_registry_api import publish"),
])
def test_the_checker_flags_an_import_across_a_line(path, source):
    assert len(violations(path, source)) == 1, violations(path, source)


@pytest.mark.parametrize("path, source", [
    ("services/gateway/web/forms.py", "from services.practices.contract import TRANSITIONS"),
    ("services/gateway/web/forms.py", "from services.practices import contract"),
    ("services/gateway/web/forms.py", "from shared.plugins import entry_kinds\nfrom services.gateway import views"),
    ("services/practices/review.py", "from .models import Entry"),
    ("application/cli.py", "from services.catalog.directory import register_installed_municipalities"),
    ("bench/registry.py", "from application.running import RunningNetwork"),
    ("tests/unit/test_x.py", "from services.practices.review import TRANSITIONS"),
])
def test_the_checker_lets_an_allowed_import_through(path, source):
    assert violations(path, source) == []
