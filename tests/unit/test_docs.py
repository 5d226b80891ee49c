"""The README is the front door and docs/ holds the rest: the README names every page, every file a page
names exists, each page keeps to one language, and CI runs nothing the README does not mention."""
import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
README = REPO_ROOT / "README.md"
PAGES = sorted((REPO_ROOT / "docs").glob("*.md"))
# A file of this repository named in backticks: `services/gateway/search.py`, `deploy/k8s/secret.yaml`.
# Placeholders (`services/<name>/service.py`, `var/*.log`) and folders are not files, so not checked.
NAMED_FILE = re.compile(r"`((?:services|shared|application|tests|deploy|bench|plugins|docs|\.ci)/"
                        r"[\w./-]*\.(?:py|yaml|md|conf|sql|html|css|js|toml|ini))`")
WORD = re.compile(r"[A-Za-zА-Яа-яЁё]{3,}")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def prose(text):
    """What a page says in its own words: without code, literals and quoted messages of the other language."""
    for literal in (r"```.*?```", r"`[^`]*`", r"«[^»]*»", r'"[^"]*"'):
        text = re.sub(literal, "", text, flags=re.S)
    return text


def test_the_readme_names_every_page_of_docs_and_only_pages_that_exist():
    readme = README.read_text(encoding="utf-8")
    named = set(re.findall(r"`docs/([\w-]+\.md)`", readme))
    present = {page.name for page in PAGES}
    assert present - named == set(), "pages of docs/ missing from the README's «Where to go next»"
    assert named - present == set(), "pages the README names that docs/ does not have"


@pytest.mark.parametrize("page", [README, *PAGES], ids=lambda page: page.name)
def test_every_file_a_page_names_exists(page):
    missing = sorted({path for path in NAMED_FILE.findall(page.read_text(encoding="utf-8"))
                      if not (REPO_ROOT / path).exists()})
    assert missing == [], f"{page.name} names files that are not in the repository (moved?)"


@pytest.mark.parametrize("page", [README, *PAGES], ids=lambda page: page.name)
def test_each_page_keeps_to_one_language(page):
    words = WORD.findall(prose(page.read_text(encoding="utf-8")))
    russian = sum(1 for word in words if CYRILLIC.match(word)) / len(words)
    # Users' pages are in Russian, developers' and operators' in English; product names and Russian
    # messages in «…» are allowed either way.
    assert russian >= 0.85 or russian <= 0.05, f"{page.name}: {russian:.0%} of its words are Russian"


def test_ci_runs_only_what_the_readme_mentions():
    readme = README.read_text(encoding="utf-8")
    script = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    commands = [line.strip() for line in script
                if line.strip() and not line.lstrip().startswith(("#", "set ", "cd "))]
    assert commands, ".ci/run runs nothing"
    assert [command for command in commands if command not in readme] == []
