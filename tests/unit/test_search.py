"""Russian full-text search of the read model, on SQLite FTS5 and on PostgreSQL's russian configuration."""
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text

from application.running import POSTGRES_ADMIN_URL
from services.gateway import search
from shared.db import session_factory
from shared.migrations import upgrade

NOW = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def read_model(request, migrated):
    if request.param == "sqlite":
        yield migrated("gateway")
        return
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"pn_search_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    upgrade("gateway", url)
    sessions = session_factory(url)
    yield sessions
    sessions.kw["bind"].dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def doc(ref_id, title, municipality="kyshtym", kind="career_trial", days=0, **extra):
    return {"key": f"practice:{ref_id}", "doc_type": "practice", "kind": kind, "ref_id": ref_id,
            "municipality": municipality, "title": title, "summary": extra.pop("summary", ""),
            "grades": extra.pop("grades", []), "tags": extra.pop("tags", []),
            "sort_date": NOW + timedelta(days=days), "body": {"title": title}, **extra}


@pytest.fixture
def catalogue(read_model):
    with read_model.begin() as session:
        for document in (
            doc(1, "Оператор лазерного станка", grades=[8, 9], format="in_person", profession="Оператор лазерного станка"),
            doc(2, "Основы токарного дела", municipality="kopeysk", grades=[10, 11], format="remote", days=1),
            doc(3, "Специалист по кибербезопасности", grades=[9], days=2, tags=["информационная безопасность"]),
            doc(4, "Наставничество на предприятии", municipality="snezhinsk", kind="best_practice", days=3,
                direction="Наставничество", summary="Ёмкий опыт наставников"),
        ):
            search.index_document(session, document)
    return read_model


def found(sessions, **query):
    with sessions() as session:
        return [hit["ref_id"] for hit in search.search(session, **query)["items"]]


@pytest.mark.parametrize("q, expected", [
    ("токарный", [2]), ("лазерный", [1]), ("лазер", [1]), ("ЛАЗЕРНОГО!!", [1]), ("кибер", [3]),
    ("оператор станка", [1]), ("оператор токарного", []), ("информационной", [3]), ("емкий", [4]),
])
def test_russian_word_forms_and_prefixes_match(catalogue, q, expected):
    assert found(catalogue, q=q) == expected


def test_filters_narrow_the_matches(catalogue):
    assert found(catalogue, municipality="kopeysk") == [2]
    assert found(catalogue, kind="best_practice") == [4]
    assert found(catalogue, grade=9) == [3, 1]
    assert found(catalogue, format="remote") == [2]
    assert found(catalogue, direction="Наставничество") == [4]
    assert found(catalogue, municipality=["kopeysk", "snezhinsk"]) == [4, 2]


def test_without_words_everything_is_listed_newest_first(catalogue):
    assert found(catalogue) == [4, 3, 2, 1]
    assert found(catalogue, q=" ,.; ") == [4, 3, 2, 1]


def test_facets_count_every_match_not_just_the_page(catalogue):
    with catalogue() as session:
        result = search.search(session, per_page=1)
    assert result["total"] == 4 and len(result["items"]) == 1
    assert result["facets"]["municipality"] == {"kyshtym": 2, "kopeysk": 1, "snezhinsk": 1}
    assert result["facets"]["kind"] == {"career_trial": 3, "best_practice": 1}


def test_reindexing_replaces_the_document_and_its_words(catalogue):
    with catalogue.begin() as session:
        search.index_document(session, doc(1, "Портной"))
    assert found(catalogue, q="лазерный") == []
    assert found(catalogue, q="портного") == [1]
    assert found(catalogue)[-1] == 1 and len(found(catalogue)) == 4


def test_removed_documents_are_not_found(catalogue):
    with catalogue.begin() as session:
        search.remove_document(session, "practice:2")
        search.remove_document(session, "practice:404")
    assert found(catalogue, q="токарный") == []


@pytest.mark.parametrize("hostile", ['"', "AND (", "*", "NEAR/2", "a:*|!b", "'; DROP TABLE x; --", "\\"])
def test_hostile_queries_do_not_break_search(catalogue, hostile):
    with catalogue() as session:
        search.search(session, q=hostile)
