from nameko import config
from nameko.events import event_handler
from nameko.timer import timer

from services.gateway import projections
from services.gateway.endpoints.directory import DirectoryEndpoints
from services.gateway.endpoints.home import HomeEndpoints
from services.gateway.endpoints.registry import RegistryEndpoints
from services.gateway.endpoints.system import SystemEndpoints
from services.gateway.endpoints.trials import TrialEndpoints
from services.gateway.endpoints.views import CrossCityEndpoints
from shared.compat import ClusterRpc
from shared.db import Database
from shared.events import EVENTS
from shared.rpc import TimedServiceRpc


class GatewayService(HomeEndpoints, SystemEndpoints, DirectoryEndpoints, RegistryEndpoints, TrialEndpoints,
                     CrossCityEndpoints):
    """HTTP entrypoints (in ``endpoints/``), the read model's event handlers, and its catch-up."""

    name = "gateway"

    read_model = Database("gateway")
    catalog = TimedServiceRpc("catalog")
    practices = TimedServiceRpc("practices")
    # Health probes expire in the queue of a stopped service instead of piling up there.
    probes = ClusterRpc(expiration=config.get("HEALTH_TIMEOUT_SECONDS", 2))
    replay = ClusterRpc()

    @timer(interval=config.get("READ_MODEL_CATCH_UP_SECONDS", 5))
    def catch_up(self):
        """Fill in whatever the read model missed, from the owners' event logs."""
        projections.catch_up(self.read_model, self._fetch_events)

    def _fetch_events(self, source, after):
        return getattr(self.replay, source).replay_events(after, projections.REPLAY_PAGE)


def _projector(name):
    def handle(self, payload):
        projections.project(self.read_model, name, payload)

    handle.__name__ = handle.__qualname__ = f"on_{name}"
    return event_handler(EVENTS[name].source, name)(handle)


# One handler per projected event (``on_practice_approved`` …), each with its own durable queue.
for _event_name in projections.PROJECTIONS:
    setattr(GatewayService, f"on_{_event_name}", _projector(_event_name))
