"""No lost updates over HTTP: a record's ``ETag`` is its revision, and a change may name in
``If-Match`` the revision it was made to; the owning service refuses it (412) if the record has
moved on since (the check itself is there, atomic with the change)."""
import re

from services.gateway.http import json_response
from services.gateway.schemas import ENTITY_TAG, IfMatchSchema
from shared.schemas import MAX_ID, load

IF_MATCH_SCHEMA = IfMatchSchema()
STRONG_REVISION = re.compile(r'"([0-9]{1,10})"')


def etag(revision):
    return f'"{revision}"'


def versioned_response(record, status=200):
    """``record`` (an entry or a festival, with its ``revision``) as JSON with its ``ETag``."""
    return json_response(record, status, headers={"ETag": etag(record["revision"])})


def expected_revisions(request):
    """The revisions a change may be made to, from ``If-Match``: None without the header or with
    ``*`` (the record exists, or the service answers 404). Only strong tags of our form can match
    (RFC 9110 compares ``If-Match`` strongly); with none of them the list is empty, which nothing matches."""
    given = request.headers.get("If-Match")
    if given is None:
        return None
    given = load(IF_MATCH_SCHEMA, {"If-Match": given})["if_match"].strip()
    if given == "*":
        return None
    tags = (STRONG_REVISION.fullmatch(tag) for tag in re.findall(ENTITY_TAG, given))
    return sorted({int(tag[1]) for tag in tags if tag and int(tag[1]) <= MAX_ID})
