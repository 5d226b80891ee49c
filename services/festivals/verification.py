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
# A certificate of participation's signature starts with this (never a hex digit, so never a diploma's).
CERTIFICATE = "u"


def code_of(secret, festival_id, entry_id, document="diploma"):
    prefix = CERTIFICATE if document == "certificate" else ""
    return f"{festival_id}-{entry_id}-{prefix}{_signature(secret, festival_id, entry_id, document)}"


def verification_url(config, code):
    return f"{public_base_url(config)}/diplomas/{code}"


def qr_data_uri(url):
    """The QR code of ``url`` as a PNG data URI (a raster image, so any PDF reader shows it alike)."""
    return segno.make(url, error="m").png_data_uri(scale=6, border=4)


def verify(session, secret, code):
    """Who won the diploma (or took part, for a certificate) of ``code``: 404 for a forged code, a diploma
    of an entry without a place or laureate title, a certificate of a withdrawn entry."""
    festival_id, entry_id, document = _ids(secret, code)
    try:
        festival = get_festival(session, festival_id)
    except NotFound:
        raise NotFound(NOT_A_DIPLOMA) from None
    entry = next((e for e in festival.entries if e.id == entry_id and e.status == "submitted"), None)
    if entry is None or (document == "diploma" and entry.place is None and not entry.laureate):
        raise NotFound(NOT_A_DIPLOMA)
    city = session.get(KnownMunicipality, entry.municipality)
    return {
        "code": code, "document": document, "place": entry.place, "laureate": entry.laureate,
        "practice_id": entry.practice_id, "practice_title": entry.practice_title,
        "municipality": entry.municipality, "municipality_name": city.name if city else entry.municipality,
        "nomination": next(n.title for n in festival.nominations if n.id == entry.nomination_id),
        "festival_id": festival.id, "festival_title": festival.title, "festival_kind": KINDS[festival.kind],
        "starts_on": festival.starts_on, "ends_on": festival.ends_on,
    }


def _ids(secret, code):
    parts = code.split("-")
    if len(parts) == 3 and parts[0].isdigit() and parts[1].isdigit():
        festival_id, entry_id = int(parts[0]), int(parts[1])
        document = "certificate" if parts[2].startswith(CERTIFICATE) else "diploma"
        if hmac.compare_digest(parts[2].removeprefix(CERTIFICATE), _signature(secret, festival_id, entry_id, document)):
            return festival_id, entry_id, document
    raise NotFound(NOT_A_DIPLOMA)


def _signature(secret, festival_id, entry_id, document="diploma"):
    message = f"{document}:{festival_id}:{entry_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:SIGNATURE_LENGTH]
