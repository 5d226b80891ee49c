"""Each service's service.py is the list of what it does: every RPC method, timer, event handler and
HTTP route of its classes is named in the class body itself, none only inherited from a mixin."""
import inspect

import pytest
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from services.catalog.service import CatalogService
from services.festivals import knowledge
from services.festivals.service import FestivalsService
from services.gateway.service import GatewayService, ProjectorService
from services.practices.service import PracticesService

SERVICES = [CatalogService, PracticesService, FestivalsService, GatewayService, ProjectorService]


def entrypoints(service_cls):
    return {name for name, member in inspect.getmembers(service_cls)
            if getattr(member, ENTRYPOINT_EXTENSIONS_ATTR, None)}


@pytest.mark.parametrize("service_cls", SERVICES, ids=lambda cls: cls.__name__)
def test_every_entrypoint_is_named_in_the_service_class_itself(service_cls):
    hidden = sorted(name for name in entrypoints(service_cls) if name not in vars(service_cls))
    assert hidden == [], f"{service_cls.__name__}: only inherited, not named in service.py: {hidden}"


def test_a_mixin_entrypoint_not_named_is_caught():
    class Hidden(GatewayService):
        pass
    assert entrypoints(Hidden) - set(vars(Hidden)) == entrypoints(GatewayService)


def test_the_festivals_service_takes_every_event_its_knowledge_reads_on_queues_its_replicas_share():
    (batches,) = getattr(FestivalsService.learn, ENTRYPOINT_EXTENSIONS_ATTR)
    assert batches.competing and set(batches.sources) == set(knowledge.READER.handlers)
