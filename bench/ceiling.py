"""The ceilings the gateway is measured against, each under ``nameko run`` on the same machine in the
same run (``bench/ceilings.py`` starts them):

- ``CeilingService``: a bare nameko ``http`` handler returning a constant, the ceiling of the read path;
- ``WriteCeilingService`` + ``CeilingStore``: a bare ``http`` handler making one RPC to a trivial
  service that inserts one row in its own transaction, the ceiling of the write path (each in a
  process of its own, as the gateway and the practices service are).
"""
from nameko.rpc import rpc
from nameko.web.handlers import http
from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.compat import ServiceRpc
from shared.db import Database

CONSTANT = '{"items": [], "total": 0}'


class CeilingService:
    name = "ceiling"

    @http("GET", "/constant")
    def constant(self, request):
        return 200, {"Content-Type": "application/json"}, CONSTANT


class Base(DeclarativeBase):
    pass


class Row(Base):
    __tablename__ = "rows"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))


def create_table(sessions):
    Base.metadata.create_all(sessions.kw["bind"])


class CeilingStore:
    name = "ceiling_store"
    db = Database("ceiling", on_start=create_table)

    @rpc
    def insert(self, title):
        with self.db.begin() as session:
            row = Row(title=title)
            session.add(row)
            session.flush()
            return row.id


class WriteCeilingService:
    name = "write_ceiling"
    store = ServiceRpc("ceiling_store")

    @http("POST", "/rows")
    def insert(self, request):
        row_id = self.store.insert(request.get_data(as_text=True)[:200])
        return 201, {"Content-Type": "application/json"}, f'{{"id": {row_id}}}'
