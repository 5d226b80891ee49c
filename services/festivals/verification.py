"""Diploma verification codes: each diploma carries a QR code of a public page that names its winner.

A code is the festival and entry ids signed with DIPLOMA_SECRET (not JWT_SECRET: rotating the key of the
sessions must not void printed diplomas), so it needs no table of its own
and cannot be guessed for an entry that won nothing: the page checks the signature and the place.
"""
import hashlib
import hmac

import segno

from services.festivals.contract import KINDS
from services.festivals.models import KnownMunicipality
from services.festivals.organising import get_festival
from shared.config import public_base_url
from shared.errors import NotFound

SIGNATURE_LENGTH = 20
NOT_A_DIPLOMA = "Диплом с таким кодом не выдавался"


def code_of(secret, festival_id, entry_id):
    return f"{festival_id}-{entry_id}-{_signature(secret, festival_id, entry_id)}"


def verification_url(config, code):
    return f"{public_base_url(config)}/diplomas/{code}"


def qr_data_uri(url):
    """The QR code of ``url`` as a PNG data URI (a raster image, so any PDF reader shows it alike)."""
    return segno.make(url, error="m").png_data_uri(scale=6, border=4)


def verify(session, secret, code):
    """Who won the diploma of ``code``: 404 for a forged code or an entry without a place."""
    festival_id, entry_id = _ids(secret, code)
    try:
        festival = get_festival(session, festival_id)
    except NotFound:
        raise NotFound(NOT_A_DIPLOMA) from None
    entry = next((e for e in festival.entries if e.id == entry_id and e.place is not None), None)
    if entry is None:
        raise NotFound(NOT_A_DIPLOMA)
    city = session.get(KnownMunicipality, entry.municipality)
    return {
        "code": code, "place": entry.place, "practice_id": entry.practice_id, "practice_title": entry.practice_title,
        "municipality": entry.municipality, "municipality_name": city.name if city else entry.municipality,
        "nomination": next(n.title for n in festival.nominations if n.id == entry.nomination_id),
        "festival_id": festival.id, "festival_title": festival.title, "festival_kind": KINDS[festival.kind],
        "starts_on": festival.starts_on, "ends_on": festival.ends_on,
    }


def _ids(secret, code):
    parts = code.split("-")
    if len(parts) == 3 and parts[0].isdigit() and parts[1].isdigit():
        festival_id, entry_id = int(parts[0]), int(parts[1])
        if hmac.compare_digest(parts[2], _signature(secret, festival_id, entry_id)):
            return festival_id, entry_id
    raise NotFound(NOT_A_DIPLOMA)


def _signature(secret, festival_id, entry_id):
    message = f"diploma:{festival_id}:{entry_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:SIGNATURE_LENGTH]
