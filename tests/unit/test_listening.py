"""The counters by which the HTTP workers of one gateway share its connections (shared/listening.py)."""
from shared.listening import ConnectionShares, create_shares


def test_a_worker_holding_more_connections_than_another_defers_to_it(tmp_path):
    counters = tmp_path / "connections"
    create_shares(counters, 3)
    first, second, third = (ConnectionShares(counters, worker) for worker in (1, 2, 3))
    assert not any(shares.more_than_fewest() for shares in (first, second, third))
    first.opened()
    second.opened()
    assert first.more_than_fewest() and second.more_than_fewest() and not third.more_than_fewest()
    third.opened()
    first.closed()
    assert not first.more_than_fewest() and second.more_than_fewest()


def test_a_worker_started_again_starts_from_no_connections(tmp_path):
    counters = tmp_path / "connections"
    create_shares(counters, 2)
    first, second = ConnectionShares(counters, 1), ConnectionShares(counters, 2)
    for _ in range(5):
        first.opened()
    second.opened()
    assert first.more_than_fewest()
    again = ConnectionShares(counters, 1)  # the first worker, started again after a crash
    assert second.more_than_fewest() and not again.more_than_fewest()
