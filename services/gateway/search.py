"""Full-text search over the read model, in Russian word forms, with filters and facets.

The engine is the database's own: SQLite FTS5 over Snowball stems on the embedded default, and
PostgreSQL's ``russian`` text search configuration where the read model lives on PostgreSQL. Every
query word is a prefix of a stem, so «токарный» finds «токарного» and a typed «лазер» finds «лазерного».
"""
from sqlalchemy import bindparam, delete, func, insert, literal_column, select, text, update

from services.gateway.models import SearchDocument, SearchDocumentFacets, SearchFacetSet, SearchFilters
from shared.db import upsert
from shared.wordforms import stem, stems, words

FACETS = ("municipality", "kind", "direction", "format")
FILTERED_COLUMNS = ("doc_type", "kind", "municipality", "direction", "format")


DOCUMENTS, FILTERS = SearchDocument.__table__, SearchFilters.__table__
FACET_SETS, DOCUMENT_FACETS = SearchFacetSet.__table__, SearchDocumentFacets.__table__
RESULT_COLUMNS = [DOCUMENTS.c[name] for name in (
    "id", "key", "ref_id", "title", "summary", "profession", "organization", "tags", "body")] + [
    FILTERS.c[name] for name in ("doc_type", "kind", "municipality", "direction", "format", "grades_mask")]


# Indexing runs once per projected publication, hundreds in one transaction: its statements are made
# once, so SQLAlchemy finds each compiled in its cache instead of building and keying it anew.
FIND_DOCUMENT = select(DOCUMENTS.c.id).where(DOCUMENTS.c.key == bindparam("key"))
INSERT_DOCUMENT, INSERT_FILTERS = insert(DOCUMENTS), insert(FILTERS)
FIND_FACET_SET = select(FACET_SETS.c.id).where(*(FACET_SETS.c[name] == bindparam(name) for name in FACETS))
INSERT_FACET_SET = insert(FACET_SETS)
UPDATE_DOCUMENT = update(DOCUMENTS).where(DOCUMENTS.c.id == bindparam("doc_id"))
UPDATE_FILTERS = update(FILTERS).where(FILTERS.c.id == bindparam("doc_id"))
INDEX_TSV = text("UPDATE search_documents SET tsv = to_tsvector('russian', :content) WHERE id = :id")
UNINDEX_FTS = text("DELETE FROM search_fts WHERE rowid = :id")
INDEX_FTS = text("INSERT INTO search_fts (rowid, stems) VALUES (:id, :stems)")


# Equal scores are common (entries made from one template score alike), and equal ones go newest first.
# FTS5 yields matches oldest first, so a top-N sort fed in that order takes in every tied match it meets;
# fed newest first (the inner ORDER BY) it passes them by: 5.7 instead of 9.0 ms for a page of 8 300
# matches. The inner LIMIT keeps SQLite from merging the two SELECTs, which would drop that order.
RANKED_WORDS = text(
    "SELECT id, score FROM (SELECT rowid AS id, bm25(search_fts) AS score FROM search_fts "
    "WHERE search_fts MATCH :match ORDER BY rowid DESC LIMIT -1) "
    "ORDER BY score, id DESC LIMIT :limit OFFSET :offset")


def _is_postgres(session):
    return session.bind.dialect.name == "postgresql"


def _searchable_text(doc):
    parts = [doc["title"], doc.get("summary"), doc.get("profession"), doc.get("organization"), *doc.get("tags", [])]
    return " ".join(str(part) for part in parts if part)


def index_document(session, doc):
    """Insert or replace the document ``doc["key"]`` (see SearchDocument for the fields)."""
    content = {
        "key": doc["key"], "ref_id": doc["ref_id"], "title": doc["title"], "summary": doc.get("summary") or "",
        "profession": doc.get("profession"), "organization": doc.get("organization"),
        "tags": list(doc.get("tags") or []), "body": doc.get("body") or {},
    }
    filters = {
        "doc_type": doc["doc_type"], "kind": doc["kind"], "municipality": doc["municipality"],
        "direction": doc.get("direction"), "format": doc.get("format"),
        "grades_mask": sum(1 << grade for grade in set(doc.get("grades") or [])), "sort_date": doc["sort_date"],
    }
    doc_id = existing = session.scalar(FIND_DOCUMENT, {"key": doc["key"]})
    if existing is None:
        doc_id = session.execute(INSERT_DOCUMENT, content).inserted_primary_key[0]
        session.execute(INSERT_FILTERS, {"id": doc_id, **filters})
    else:
        session.execute(UPDATE_DOCUMENT, {"doc_id": doc_id, **content})
        session.execute(UPDATE_FILTERS, {"doc_id": doc_id, **filters})
    upsert(session, SearchDocumentFacets, {"id": doc_id, "facet_set": _facet_set(session, filters)})
    _index_text(session, doc_id, _searchable_text(doc), new=existing is None)


def _facet_set(session, filters):
    """The id of the set of ``filters``' facet values, added if no document had them before."""
    values = {name: filters[name] or "" for name in FACETS}
    return (session.scalar(FIND_FACET_SET, values)
            or session.execute(INSERT_FACET_SET, values).inserted_primary_key[0])


def _index_text(session, doc_id, content, new=False):
    """The document's words for matching; ``new``: it has none yet (a removed document's go with it)."""
    if _is_postgres(session):
        session.execute(INDEX_TSV, {"content": content, "id": doc_id})
        return
    if not new:
        session.execute(UNINDEX_FTS, {"id": doc_id})
    session.execute(INDEX_FTS, {"id": doc_id, "stems": " ".join(stems(content))})


def remove_document(session, key):
    doc_id = session.scalar(FIND_DOCUMENT, {"key": key})
    if doc_id is None:
        return
    if not _is_postgres(session):
        session.execute(UNINDEX_FTS, {"id": doc_id})
    session.execute(delete(DOCUMENT_FACETS).where(DOCUMENT_FACETS.c.id == doc_id))
    session.execute(delete(FILTERS).where(FILTERS.c.id == doc_id))
    session.execute(delete(DOCUMENTS).where(DOCUMENTS.c.id == doc_id))


def clear(session):
    if not _is_postgres(session):
        session.execute(text("DELETE FROM search_fts"))
    session.execute(delete(DOCUMENT_FACETS))
    session.execute(delete(FACET_SETS))
    session.execute(delete(FILTERS))
    session.execute(delete(DOCUMENTS))


def search(session, q=None, page=1, per_page=20, **filters):
    """A page of matching documents, best first, with facet counts over all matches.

    Three statements in all (the page's ids, their documents, the facets grouped by facet set; nothing
    per row), on Core rows rather than ORM objects: this is the hottest read path of the network.
    """
    connection, query_words = session.connection(), words(q)
    ranked = connection.execute(_page_query(connection, query_words, filters, (page - 1) * per_page, per_page)).all()
    items = _hits(connection, ranked)
    facets = _facets(connection, _facet_query(connection, query_words, filters))
    return {"items": items, "total": sum(facets["kind"].values()), "page": page, "per_page": per_page,
            "facets": facets}


def _page_query(connection, query_words, filters, offset, limit):
    """``(id, score)`` of the page's documents, best first; equal ones newest first."""
    if not query_words:
        query = _filtered(select(FILTERS.c.id, literal_column("NULL").label("score")), filters)
        return query.order_by(FILTERS.c.sort_date.desc(), FILTERS.c.id.desc()).offset(offset).limit(limit)
    if connection.dialect.name != "postgresql" and not _active(filters):
        # The common case, a few words and no filter, is ranked inside FTS5 alone: no join for
        # thousands of matches (10 ms instead of 25 ms for 8 000 matches of 100 000 documents).
        return RANKED_WORDS.bindparams(match=_fts_match(query_words), limit=limit, offset=offset)
    found = _found(connection, query_words, ranked=True)
    query = select(FILTERS.c.id, found.c.score).join(found, found.c.doc_id == FILTERS.c.id)
    query = _filtered(query, filters, by_index=connection.dialect.name == "postgresql")
    # bm25 is better the more negative it is; ts_rank the higher.
    best_first = found.c.score.desc() if connection.dialect.name == "postgresql" else found.c.score
    return query.order_by(best_first, FILTERS.c.id.desc()).offset(offset).limit(limit)


def _matching(connection, query_words, filters):
    """The ids (``doc_id``) of every matching document, for counting; None when every document matches."""
    if not query_words:
        return _filtered(select(FILTERS.c.id.label("doc_id")), filters).subquery() if _active(filters) else None
    found = _found(connection, query_words, ranked=False)
    if not _active(filters):
        return found
    matching = select(FILTERS.c.id.label("doc_id")).join(found, found.c.doc_id == FILTERS.c.id)
    return _filtered(matching, filters, by_index=connection.dialect.name == "postgresql").subquery()


def _found(connection, query_words, ranked):
    """A subquery of the ids (``doc_id``) of documents containing every word, and their ``score``."""
    if connection.dialect.name == "postgresql":
        # Words are \w+ only, so nothing the user typed can break the tsquery syntax.
        tsquery = func.to_tsquery("russian", " & ".join(f"{word}:*" for word in query_words))
        vector = literal_column("search_documents.tsv")
        columns = [DOCUMENTS.c.id.label("doc_id")] + ([func.ts_rank(vector, tsquery).label("score")] if ranked else [])
        return select(*columns).where(vector.op("@@")(tsquery)).subquery()
    columns = [literal_column("rowid").label("doc_id")]
    if ranked:
        columns.append(literal_column("bm25(search_fts)").label("score"))
    return (select(*columns).select_from(text("search_fts"))
            .where(text("search_fts MATCH :match").bindparams(match=_fts_match(query_words))).subquery())


def _fts_match(query_words):
    return " AND ".join(f'"{stem(word)}"*' for word in query_words)


def _active(filters):
    return any(filters.get(name) for name in (*FILTERED_COLUMNS, "grade"))


def _filtered(query, filters, by_index=True):
    """``query`` narrowed by ``filters``. Without ``by_index`` (SQLite, with words) the filtered columns are
    written ``+column``, which SQLite reads as «no index for this»: it then walks the FTS5 matches and
    looks each one up, rather than walk a filter's index (with no statistics it takes ``kind = …`` for
    ten rows) and run the full-text query once per row: 42 s instead of 9 ms at 100 000 documents."""
    for name in FILTERED_COLUMNS:
        value = filters.get(name)
        if value:
            column = FILTERS.c[name] if by_index else literal_column(f"+{FILTERS.name}.{name}", FILTERS.c[name].type)
            query = query.where(column.in_(value) if isinstance(value, list) else column == value)
    if filters.get("grade"):
        query = query.where(FILTERS.c.grades_mask.op("&")(1 << filters["grade"]) != 0)
    return query


# The common case of _page_query's again (words, no filter, SQLite) as one text statement: building and
# keying the Core one for every search cost 0.45 ms of its 3.
WORDS_FACETS = text(
    f"SELECT {', '.join(f's.{name}' for name in FACETS)}, counted.documents FROM (SELECT f.facet_set, "
    "count(*) AS documents FROM search_fts JOIN search_document_facets f ON f.id = search_fts.rowid "
    "WHERE search_fts MATCH :match GROUP BY f.facet_set) counted "
    "JOIN search_facet_sets s ON s.id = counted.facet_set")


def _facet_query(connection, query_words, filters):
    """``(*FACETS values, documents)`` of each facet set among the matching documents."""
    if query_words and connection.dialect.name != "postgresql" and not _active(filters):
        return WORDS_FACETS.bindparams(match=_fts_match(query_words))
    matching = _matching(connection, query_words, filters)
    per_set = select(DOCUMENT_FACETS.c.facet_set, func.count().label("documents"))
    if matching is not None:
        per_set = per_set.join(matching, matching.c.doc_id == DOCUMENT_FACETS.c.id)
    per_set = per_set.group_by(DOCUMENT_FACETS.c.facet_set).subquery()
    return select(*(FACET_SETS.c[name] for name in FACETS), per_set.c.documents).join(
        per_set, per_set.c.facet_set == FACET_SETS.c.id)


def _facets(connection, counted):
    """Counts of each facet's values, from the facet sets' counts."""
    facets = {name: {} for name in FACETS}
    for *values, count in connection.execute(counted):
        for name, value in zip(FACETS, values):
            if value:
                facets[name][value] = facets[name].get(value, 0) + count
    return facets


def _hits(connection, ranked):
    """The page's documents in ranked order."""
    if not ranked:
        return []
    scores = dict(ranked)
    query = (select(*RESULT_COLUMNS).join(FILTERS, FILTERS.c.id == DOCUMENTS.c.id)
             .where(DOCUMENTS.c.id.in_(list(scores))))
    rows = {row["id"]: row for row in connection.execute(query).mappings()}
    return [_hit(rows[doc_id], score) for doc_id, score in ranked if doc_id in rows]


def _hit(row, score):
    hit = dict(row)
    del hit["id"]
    mask = hit.pop("grades_mask")
    hit["grades"] = [grade for grade in range(1, 12) if mask & (1 << grade)]
    hit["score"] = None if score is None else abs(float(score))
    return hit
