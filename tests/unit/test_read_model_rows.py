"""Read-model rows written by projections: a late, older state never replaces a newer one."""
import uuid

import pytest
from sqlalchemy import Integer, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from application.running import POSTGRES_ADMIN_URL
from shared.db import session_factory, upsert


class Base(DeclarativeBase):
    pass


class EntryState(Base):
    __tablename__ = f"entry_state_{uuid.uuid4().hex[:8]}"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(20))
    revision: Mapped[int] = mapped_column(Integer)


@pytest.fixture(params=["sqlite", "postgresql"])
def sessions(request, tmp_path):
    url = f"sqlite:///{tmp_path}/rows.db" if request.param == "sqlite" else POSTGRES_ADMIN_URL
    factory = session_factory(url)
    Base.metadata.create_all(factory.kw["bind"])
    yield factory
    Base.metadata.drop_all(factory.kw["bind"])
    factory.kw["bind"].dispose()


def state(sessions):
    with sessions() as session:
        return session.execute(select(EntryState.status, EntryState.revision)).one()


def test_only_a_newer_revision_replaces_the_row(sessions):
    with sessions.begin() as session:
        assert upsert(session, EntryState, {"id": 1, "status": "approved", "revision": 3}, newer_only=True)
        assert not upsert(session, EntryState, {"id": 1, "status": "submitted", "revision": 2}, newer_only=True)
    assert state(sessions) == ("approved", 3)
    with sessions.begin() as session:
        assert upsert(session, EntryState, {"id": 1, "status": "archived", "revision": 4}, newer_only=True)
    assert state(sessions) == ("archived", 4)


def test_without_revisions_the_last_write_wins(sessions):
    with sessions.begin() as session:
        upsert(session, EntryState, {"id": 1, "status": "approved", "revision": 3})
        upsert(session, EntryState, {"id": 1, "status": "draft", "revision": 1})
    assert state(sessions) == ("draft", 1)
