"""Settings are read when a service's container starts, not when its module is imported: a value
changed after the import (by a test, by the launcher) is the one used."""
from types import SimpleNamespace

import pytest
from nameko import config
from nameko.containers import ServiceContainer

from services.catalog.service import CatalogService
from services.gateway import health
from services.gateway.service import GatewayService, ProjectorService
from shared import compat
from shared.config import SERVICES, SettingTimer
from shared.rpc import TimedServiceRpc

NO_BROKER = {"AMQP_URI": "memory://"}  # containers are built, never started


def timers(service_cls):
    return {timer.method_name: timer for timer in ServiceContainer(service_cls).entrypoints
            if isinstance(timer, SettingTimer)}


@pytest.mark.parametrize("service_cls, method_name, key", [
    (CatalogService, "relay_outbox", "OUTBOX_RELAY_INTERVAL"),
    (CatalogService, "sync_revoked_tokens", "REVOCATION_SYNC_SECONDS"),
    (ProjectorService, "catch_up", "READ_MODEL_CATCH_UP_SECONDS"),
    (GatewayService, "sync_revoked_tokens", "REVOCATION_SYNC_SECONDS"),
])
def test_a_timer_takes_its_interval_from_the_configuration_at_start(service_cls, method_name, key):
    with config.patch({**NO_BROKER, key: "7.5"}):  # long after the service's module was imported
        timer = timers(service_cls)[method_name]
        timer.setup()
    assert timer.interval == 7.5


def test_a_timer_without_its_setting_takes_the_default():
    with config.patch(NO_BROKER, clear=True):
        timer = timers(CatalogService)["relay_outbox"]
        timer.setup()
    assert timer.interval == 0.1


def test_an_rpc_deadline_is_read_at_start_unless_the_declaration_gives_one(monkeypatch):
    monkeypatch.setattr(compat.WaitForReplyQueue, "setup", lambda self: None)  # no broker here
    configured, given = TimedServiceRpc("practices"), TimedServiceRpc("catalog", timeout=5)
    with config.patch({"RPC_TIMEOUT_SECONDS": "12"}):
        configured.setup()
        given.setup()
    assert (configured.timeout, configured.publisher_options["expiration"]) == (12.0, 12.0)
    assert (given.timeout, given.publisher_options["expiration"]) == (5, 5)


def test_health_probes_expire_after_the_deadline_of_the_request():
    published = []
    replies = SimpleNamespace(
        publish=lambda payload, **options: published.append(options),
        register_for_reply=lambda correlation_id: lambda: {"result": {"status": "ok"}, "error": None},
        context_data={})
    assert health.ping_services(replies, 0.75) == dict.fromkeys(SERVICES, {"status": "ok"})
    assert [options["expiration"] for options in published] == [0.75] * len(SERVICES)
