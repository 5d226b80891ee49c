"""Full-text search over the read model, in Russian word forms, with filters and facets.

The engine is the database's own: SQLite FTS5 over Snowball stems on the embedded default, and
PostgreSQL's ``russian`` text search configuration where the read model lives on PostgreSQL. Every
query word is a prefix of a stem, so «токарный» finds «токарного» and a typed «лазер» finds «лазерного».
"""
import re

from snowballstemmer import stemmer
from sqlalchemy import delete, desc, func, insert, literal_column, select, text, update

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


def search(session, q=None, page=1, per_page=20, **filters):
    """A page of matching documents, best first, with facet counts over all matches."""
    matches, rank, best_first = _matching(session, words(q), filters)
    if rank is None:
        rank, order = literal_column("NULL"), (desc(SearchDocument.sort_date),)
    else:
        order = (desc(rank) if best_first == "high" else rank, desc(SearchDocument.sort_date))
    rows = session.execute(matches.add_columns(rank.label("rank")).order_by(*order, SearchDocument.key)
                           .offset((page - 1) * per_page).limit(per_page)).all()
    facets = {name: _facet(session, matches, name) for name in FACETS}
    return {"items": [_hit(doc, score) for doc, score in rows], "total": sum(facets["kind"].values()),
            "page": page, "per_page": per_page, "facets": facets}


def _matching(session, query_words, filters):
    """The filtered select of matching documents, its relevance column, and which end of it is best."""
    query = _filtered(select(SearchDocument), filters)
    if not query_words:
        return query, None, None
    if _is_postgres(session):
        # Words are \w+ only, so nothing the user typed can break the tsquery syntax.
        tsquery = func.to_tsquery("russian", " & ".join(f"{word}:*" for word in query_words))
        vector = literal_column("search_documents.tsv")
        return query.where(vector.op("@@")(tsquery)), func.ts_rank(vector, tsquery), "high"
    match = " AND ".join(f'"{russian.stemWord(word)}"*' for word in query_words)
    fts = (select(literal_column("rowid").label("doc_id"), literal_column("bm25(search_fts)").label("score"))
           .select_from(text("search_fts")).where(text("search_fts MATCH :match").bindparams(match=match))
           .subquery())
    # bm25 is negative, and the more negative the better the match.
    return query.join(fts, fts.c.doc_id == SearchDocument.id), fts.c.score, "low"


def _filtered(query, filters):
    for name in ("doc_type", "kind", "municipality", "direction", "format"):
        value = filters.get(name)
        if value:
            column = getattr(SearchDocument, name)
            query = query.where(column.in_(value) if isinstance(value, list) else column == value)
    if filters.get("grade"):
        query = query.where(SearchDocument.grades_mask.op("&")(1 << filters["grade"]) != 0)
    return query


def _facet(session, matches, name):
    column = getattr(SearchDocument, name)
    counted = matches.with_only_columns(column, func.count()).group_by(column)
    return {value: count for value, count in session.execute(counted) if value}


def _hit(doc, rank):
    return {"key": doc.key, "doc_type": doc.doc_type, "kind": doc.kind, "ref_id": doc.ref_id,
            "municipality": doc.municipality, "title": doc.title, "summary": doc.summary,
            "direction": doc.direction, "format": doc.format,
            "grades": [grade for grade in range(1, 12) if doc.grades_mask & (1 << grade)],
            "profession": doc.profession, "organization": doc.organization, "tags": doc.tags,
            "body": doc.body, "score": None if rank is None else abs(float(rank))}
