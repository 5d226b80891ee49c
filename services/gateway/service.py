from nameko import config

from services.gateway import projections
from services.gateway.endpoints.administration import AdministrationEndpoints
from services.gateway.endpoints.adoptions import AdoptionEndpoints
from services.gateway.endpoints.audit import AuditEndpoints
from services.gateway.endpoints.collections import CollectionEndpoints
from services.gateway.endpoints.directory import DirectoryEndpoints
from services.gateway.endpoints.expertise import ExpertiseEndpoints
from services.gateway.endpoints.festivals import FestivalEndpoints
from services.gateway.endpoints.notifications import NotificationEndpoints
from services.gateway.endpoints.opendata import OpenDataEndpoints
from services.gateway.endpoints.registry import RegistryEndpoints
from services.gateway.endpoints.resources import ResourceEndpoints
from services.gateway.endpoints.system import SystemEndpoints
from services.gateway.endpoints.trials import TrialEndpoints
from services.gateway.endpoints.views import CrossCityEndpoints
from services.gateway.mailing import MailsNotifications
from services.gateway.web.account import AccountPages
from services.gateway.web.administration import AdministrationPages
from services.gateway.web.adoptions import AdoptionPages
from services.gateway.web.authoring import AuthoringPages
from services.gateway.web.collections import CollectionPages
from services.gateway.web.entries import EntryPages
from services.gateway.web.expertise import ExpertisePages
from services.gateway.web.home import HomePages
from services.gateway.web.notifications import NotificationPages
from services.gateway.web.passwords import PasswordPages
from services.gateway.web.search import SearchPages
from services.gateway.web.uploads import UploadPages
from shared.compat import ClusterRpc
from shared.db import Database
from shared.metrics import Instrumentation
from shared.replay import CatchesUp, subscribe
from shared.revocation import RefusesRevokedTokens
from shared.rpc import TimedServiceRpc


@subscribe
class GatewayService(CatchesUp, RefusesRevokedTokens, MailsNotifications, SystemEndpoints, DirectoryEndpoints, RegistryEndpoints,
                     TrialEndpoints, FestivalEndpoints, ResourceEndpoints, CollectionEndpoints, CrossCityEndpoints,
                     AuditEndpoints, OpenDataEndpoints, ExpertiseEndpoints, AdoptionEndpoints, NotificationEndpoints,
                     HomePages, SearchPages, EntryPages, AccountPages, AuthoringPages, UploadPages, CollectionPages,
                     ExpertisePages, AdoptionPages, NotificationPages,
                     AdministrationEndpoints, AdministrationPages, PasswordPages):
    """JSON API (``endpoints/``) and web pages (``web/``) over a read model fed by events (``projections.py``)."""

    name = "gateway"
    # Every replica answers searches from a complete read model of its own, so each gets every event.
    read_model_per_replica = True

    read_model = Database("gateway")
    # Correlation ids for every worker's log lines; event handling counted and timed. HTTP requests are
    # counted in http.py, and the metrics are served at /metrics (endpoints/system.py).
    instrumentation = Instrumentation()
    event_log, event_log_db = projections.READER, "read_model"
    catalog = TimedServiceRpc("catalog")
    practices = TimedServiceRpc("practices")
    festivals = TimedServiceRpc("festivals")
    # Health probes expire in the queue of a stopped service instead of piling up there.
    probes = ClusterRpc(expiration=config.get("HEALTH_TIMEOUT_SECONDS", 2))
