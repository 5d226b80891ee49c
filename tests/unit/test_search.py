"""Russian full-text search of the read model, on SQLite FTS5 and on PostgreSQL's russian configuration."""
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import create_engine, select, text

from application.running import POSTGRES_ADMIN_URL
from services.gateway import search
from shared.db import session_factory
from shared.migrations import alembic_config, upgrade

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


@pytest.mark.parametrize("filters", [{}, {"municipality": "kyshtym"}])
def test_equally_matching_documents_page_newest_first_each_once(read_model, filters):
    with read_model.begin() as session:
        for ref_id in range(1, 26):
            search.index_document(session, doc(ref_id, f"Токарь: профпроба №{ref_id}", days=ref_id))
    pages = [found(read_model, q="токаря", page=page, per_page=7, **filters) for page in range(1, 6)]
    assert pages[0] == [25, 24, 23, 22, 21, 20, 19]
    assert sum(pages, []) == list(range(25, 0, -1))


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


def facets(sessions, **query):
    with sessions() as session:
        return search.search(session, **query)["facets"]


def test_facets_of_words_and_filters_count_what_they_match(catalogue):
    assert facets(catalogue, q="оператор станка") == {
        "municipality": {"kyshtym": 1}, "kind": {"career_trial": 1}, "direction": {}, "format": {"in_person": 1}}
    assert facets(catalogue, grade=9)["municipality"] == {"kyshtym": 2}
    assert facets(catalogue, municipality=["kopeysk", "snezhinsk"])["kind"] == {"career_trial": 1, "best_practice": 1}
    assert facets(catalogue, q="наставников", kind="best_practice")["direction"] == {"Наставничество": 1}
    assert facets(catalogue, q="токарный", municipality="kyshtym") == {name: {} for name in search.FACETS}


def test_facets_follow_a_document_that_moved_or_was_removed(catalogue):
    with catalogue.begin() as session:
        search.index_document(session, doc(3, "Специалист по кибербезопасности", municipality="kopeysk", format="mixed"))
        search.remove_document(session, "practice:4")
    counted = facets(catalogue)
    assert counted["municipality"] == {"kyshtym": 1, "kopeysk": 2}
    assert counted["format"] == {"in_person": 1, "remote": 1, "mixed": 1}
    assert counted["kind"] == {"career_trial": 3} and counted["direction"] == {}


def test_documents_indexed_before_facet_sets_are_counted_after_the_upgrade(tmp_path):
    url = f"sqlite:///{tmp_path}/gateway.db"
    command.upgrade(alembic_config("gateway", url), "62409c4c3f58")  # the revision before facet sets
    with session_factory(url).begin() as session:
        for doc_id, municipality, direction in ((1, "kyshtym", None), (2, "kyshtym", "ИТ"), (3, "kopeysk", None)):
            session.execute(text("INSERT INTO search_documents (id, key, ref_id, title, summary, tags, body) "
                                 "VALUES (:id, :key, :id, 'Профпроба', '', '[]', '{}')"), {"id": doc_id, "key": f"practice:{doc_id}"})
            session.execute(text("INSERT INTO search_filters (id, doc_type, kind, municipality, direction, format, "
                                 "grades_mask, sort_date) VALUES (:id, 'practice', 'career_trial', :municipality, "
                                 ":direction, NULL, 0, '2026-11-01 00:00:00')"),
                            {"id": doc_id, "municipality": municipality, "direction": direction})
    upgrade("gateway", url)
    counted = facets(session_factory(url))
    assert counted["municipality"] == {"kyshtym": 2, "kopeysk": 1}
    assert counted["direction"] == {"ИТ": 1} and counted["kind"] == {"career_trial": 3}


@pytest.mark.parametrize("filters", [{"kind": ["career_trial"]}, {"municipality": "kopeysk"}, {"format": "remote"}])
def test_words_with_a_filter_walk_the_matches_not_the_filters_index(migrated, filters):
    """With no statistics SQLite took a filter's index for a few rows and ran the full-text query once
    per row of it (42 s at 100 000 documents): the matches must be the outer loop."""
    sessions = migrated("gateway")
    with sessions() as session:
        connection = session.connection()
        for query in (search._page_query(connection, ["токарь"], filters, 0, 20),
                      select(search._matching(connection, ["токарь"], filters))):
            compiled = query.compile(connection, compile_kwargs={"literal_binds": True})
            plan = [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")]
            assert plan[0].startswith("SCAN search_fts"), plan
