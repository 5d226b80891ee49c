"""Full-text search over the read model, in Russian word forms, with filters and facets.

The engine is the database's own: SQLite FTS5 over Snowball stems on the embedded default, and
PostgreSQL's ``russian`` text search configuration where the read model lives on PostgreSQL. Every
query word is a prefix of a stem, so «токарный» finds «токарного» and a typed «лазер» finds «лазерного».
"""
import re

from snowballstemmer import stemmer
from sqlalchemy import delete, func, insert, literal_column, select, text, update

from services.gateway.models import SearchDocument

FACETS = ("municipality", "kind", "direction", "format")
WORD = re.compile(r"\w+")
russian = stemmer("russian")


def words(value):
    return WORD.findall(str(value or "").lower().replace("ё", "е"))


def stems(value):
    return [russian.stemWord(word) for word in words(value)]


def _is_postgres(session):
    return session.bind.dialect.name == "postgresql"


def _searchable_text(doc):
    parts = [doc["title"], doc.get("summary"), doc.get("profession"), doc.get("organization"), *doc.get("tags", [])]
    return " ".join(str(part) for part in parts if part)


def index_document(session, doc):
    """Insert or replace the document ``doc["key"]`` (see SearchDocument for the fields)."""
    values = {
        "key": doc["key"], "doc_type": doc["doc_type"], "kind": doc["kind"], "ref_id": doc["ref_id"],
        "municipality": doc["municipality"], "title": doc["title"], "summary": doc.get("summary") or "",
        "direction": doc.get("direction"), "format": doc.get("format"),
        "grades_mask": sum(1 << grade for grade in set(doc.get("grades") or [])),
        "profession": doc.get("profession"), "organization": doc.get("organization"),
        "tags": list(doc.get("tags") or []), "body": doc.get("body") or {}, "sort_date": doc["sort_date"],
    }
    existing = session.scalar(select(SearchDocument.id).where(SearchDocument.key == doc["key"]))
    if existing is None:
        existing = session.execute(insert(SearchDocument).values(**values)).inserted_primary_key[0]
    else:
        session.execute(update(SearchDocument).where(SearchDocument.id == existing).values(**values))
    _index_text(session, existing, _searchable_text(doc))


def _index_text(session, doc_id, content):
    if _is_postgres(session):
        session.execute(text("UPDATE search_documents SET tsv = to_tsvector('russian', :content) WHERE id = :id"),
                        {"content": content, "id": doc_id})
        return
    session.execute(text("DELETE FROM search_fts WHERE rowid = :id"), {"id": doc_id})
    session.execute(text("INSERT INTO search_fts (rowid, stems) VALUES (:id, :stems)"),
                    {"id": doc_id, "stems": " ".join(stems(content))})


def remove_document(session, key):
    doc_id = session.scalar(select(SearchDocument.id).where(SearchDocument.key == key))
    if doc_id is None:
        return
    if not _is_postgres(session):
        session.execute(text("DELETE FROM search_fts WHERE rowid = :id"), {"id": doc_id})
    session.execute(delete(SearchDocument).where(SearchDocument.id == doc_id))


def clear(session):
    if not _is_postgres(session):
        session.execute(text("DELETE FROM search_fts"))
    session.execute(delete(SearchDocument))


DOCUMENTS = SearchDocument.__table__
RESULT_COLUMNS = [DOCUMENTS.c[name] for name in (
    "key", "doc_type", "kind", "ref_id", "municipality", "title", "summary", "direction", "format",
    "grades_mask", "profession", "organization", "tags", "body")]


def search(session, q=None, page=1, per_page=20, **filters):
    """A page of matching documents, best first, with facet counts over all matches.

    Three statements in all (the page, the facets in one GROUP BY, nothing per row), on Core rows
    rather than ORM objects: this is the hottest read path of the network.
    """
    connection, query_words = session.connection(), words(q)
    matches, rank, best_first = _matching(connection, query_words, filters, ranked=True)
    if rank is None:
        rank, order = literal_column("NULL"), (DOCUMENTS.c.sort_date.desc(),)
    else:
        order = (rank.desc() if best_first == "high" else rank, DOCUMENTS.c.sort_date.desc())
    page_query = (matches.with_only_columns(*RESULT_COLUMNS, rank.label("rank"))
                  .order_by(*order, DOCUMENTS.c.key).offset((page - 1) * per_page).limit(per_page))
    items = [_hit(row) for row in connection.execute(page_query).mappings()]
    facets = _facets(connection, _matching(connection, query_words, filters, ranked=False)[0])
    return {"items": items, "total": sum(facets["kind"].values()), "page": page, "per_page": per_page,
            "facets": facets}


def _matching(connection, query_words, filters, ranked):
    """The filtered select of matching documents, its relevance column, and which end of it is best."""
    query = _filtered(select(DOCUMENTS), filters)
    if not query_words:
        return query, None, None
    if connection.dialect.name == "postgresql":
        # Words are \w+ only, so nothing the user typed can break the tsquery syntax.
        tsquery = func.to_tsquery("russian", " & ".join(f"{word}:*" for word in query_words))
        vector = literal_column("search_documents.tsv")
        return query.where(vector.op("@@")(tsquery)), func.ts_rank(vector, tsquery), "high"
    match = " AND ".join(f'"{russian.stemWord(word)}"*' for word in query_words)
    # bm25 is negative, and the more negative the better; facets need no score at all.
    columns = [literal_column("rowid").label("doc_id")]
    if ranked:
        columns.append(literal_column("bm25(search_fts)").label("score"))
    fts = (select(*columns).select_from(text("search_fts"))
           .where(text("search_fts MATCH :match").bindparams(match=match)).subquery())
    return query.join(fts, fts.c.doc_id == DOCUMENTS.c.id), (fts.c.score if ranked else None), "low"


def _filtered(query, filters):
    for name in ("doc_type", "kind", "municipality", "direction", "format"):
        value = filters.get(name)
        if value:
            column = DOCUMENTS.c[name]
            query = query.where(column.in_(value) if isinstance(value, list) else column == value)
    if filters.get("grade"):
        query = query.where(DOCUMENTS.c.grades_mask.op("&")(1 << filters["grade"]) != 0)
    return query


def _facets(connection, matches):
    columns = [DOCUMENTS.c[name] for name in FACETS]
    counted = matches.with_only_columns(*columns, func.count()).group_by(*columns)
    facets = {name: {} for name in FACETS}
    for *values, count in connection.execute(counted):
        for name, value in zip(FACETS, values):
            if value:
                facets[name][value] = facets[name].get(value, 0) + count
    return facets


def _hit(row):
    hit = dict(row)
    mask = hit.pop("grades_mask")
    rank = hit.pop("rank")
    hit["grades"] = [grade for grade in range(1, 12) if mask & (1 << grade)]
    hit["score"] = None if rank is None else abs(float(rank))
    return hit
