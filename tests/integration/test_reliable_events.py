"""A change and its event never part: a relay that dies half-way loses nothing and duplicates nothing."""
import pytest
from nameko.standalone.events import event_dispatcher

from application.running import eventually
from services.catalog.models import CatalogOutbox
from shared.db import session_factory
from shared.messaging import record, relay
from shared.migrations import upgrade

NEW_IDS = (91001, 91002, 91003)


def snezhinsk_organizations(network):
    page = network.api("GET", "/api/v1/organizations", params={"municipality": "snezhinsk", "per_page": 100})
    return page.json()["items"]


def test_events_survive_a_relay_crash_and_take_effect_once(network, tmp_path):
    url = f"sqlite:///{tmp_path}/catalog-replica.db"
    upgrade("catalog", url)
    outbox = session_factory(url)
    with outbox.begin() as session:
        for number, org_id in enumerate(NEW_IDS, 1):
            record(session, CatalogOutbox, "organization_registered", {
                "id": org_id, "municipality": "snezhinsk", "name": f"Школа №{number} (проверка доставки)",
                "kind": "school"})
    publish = event_dispatcher(uri=network.vhost.uri)
    published = []

    def crash_after_first(event_type, envelope, _correlation_id):
        publish("catalog", event_type, envelope)
        published.append(envelope["event_id"])
        if len(published) == 1:
            raise ConnectionError("relay killed after publishing, before marking the row sent")

    with pytest.raises(ConnectionError):
        relay(outbox, CatalogOutbox, crash_after_first)
    assert relay(outbox, CatalogOutbox, lambda event_type, envelope, _: publish("catalog", event_type, envelope)) == 3

    def arrived():
        ids = [org["id"] for org in snezhinsk_organizations(network) if org["id"] in NEW_IDS]
        return ids if len(set(ids)) == 3 else None

    ids = eventually(arrived, timeout=15)
    assert sorted(ids) == list(NEW_IDS), "each event takes effect exactly once, though one was sent twice"
