"""Methodical resources: files and links a city shares, on their own or attached to a practice."""
from services.practices.contract import ResourceSchema
from services.practices.models import PracticesOutbox, Resource
from services.practices.registry import get_entry
from shared.auth import METHODIST, require_city, require_role
from shared.errors import NotFound
from shared.messaging import record


def add_resource(session, actor, data):
    """A methodist shares a resource of their city; one attached to a practice must be of their city."""
    require_role(actor, METHODIST)
    if data.get("practice_id") is not None:
        require_city(actor, get_entry(session, data["practice_id"]).municipality, METHODIST)
    resource = Resource(municipality=actor.municipality, created_by=actor.username, **data)
    session.add(resource)
    session.flush()
    record(session, PracticesOutbox, "resource_published", {"resource": ResourceSchema().dump(resource)})
    return resource


def get_resource(session, resource_id):
    resource = session.get(Resource, resource_id)
    if resource is None:
        raise NotFound(f"Ресурс №{resource_id} не найден")
    return resource
