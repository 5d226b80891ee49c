from services.festivals.models import FestivalsOutbox
from shared.db import Database
from shared.service import OwningService


class FestivalsService(OwningService):
    name = "festivals"
    outbox_model = FestivalsOutbox

    db = Database("festivals")
