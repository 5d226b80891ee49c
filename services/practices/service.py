from services.practices.models import PracticesOutbox
from shared.db import Database
from shared.service import OwningService


class PracticesService(OwningService):
    name = "practices"
    outbox_model = PracticesOutbox

    db = Database("practices")
