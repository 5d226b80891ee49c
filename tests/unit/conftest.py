import pytest

from shared.db import session_factory
from shared.migrations import upgrade


@pytest.fixture
def migrated(tmp_path):
    """``migrated("catalog")``: the session factory of a fresh, fully migrated SQLite database."""

    def make(service_name):
        url = f"sqlite:///{tmp_path / service_name}.db"
        upgrade(service_name, url)
        return session_factory(url)

    return make
