"""Which database errors mean "unavailable, try again later" (503) rather than a defect (500)."""
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError, ProgrammingError

from shared.db import database_unavailable


def test_a_refused_or_broken_connection_means_unavailable():
    assert database_unavailable(InterfaceError("connect", {}, Exception("Can't create a connection")))
    assert database_unavailable(OperationalError("select", {}, Exception("database is locked")))


def test_a_wrong_statement_or_a_broken_rule_is_not_unavailability():
    assert not database_unavailable(ProgrammingError("select", {}, Exception('relation "entries" does not exist')))
    assert not database_unavailable(IntegrityError("insert", {}, Exception("duplicate key")))
    assert not database_unavailable(ValueError("not a database error"))
