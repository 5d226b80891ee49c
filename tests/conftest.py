import pytest

from application.running import RunningNetwork

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", params=BACKENDS)
def network(request, tmp_path_factory):
    """The whole network, running on the real RabbitMQ, once per database backend."""
    running = RunningNetwork(request.param, tmp_path_factory.mktemp(f"network-{request.param}"))
    try:
        yield running.start()
    finally:
        running.close()


@pytest.fixture
def own_network(tmp_path):
    """A network (SQLite) of one test only: for a test that restarts the broker, or leaves behind what
    other tests must not meet."""
    running = RunningNetwork("sqlite", tmp_path)
    try:
        yield running.start()
    finally:
        running.close()


@pytest.fixture(scope="module")
def module_network(request, tmp_path_factory):
    """A network (SQLite) of one test module only: for modules whose tests leave behind what the shared
    networks' tests must not meet (the hostile-input corpus, bad text written straight into databases)."""
    running = RunningNetwork("sqlite", tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1]))
    try:
        yield running.start()
    finally:
        running.close()


def pytest_collection_modifyitems(items):
    """A RabbitMQ restart hits every network on the machine: such tests run after all the others."""
    items.sort(key=lambda item: item.get_closest_marker("restarts_broker") is not None)
