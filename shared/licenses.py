"""The licences under which a city publishes its practices and resources: Creative Commons 4.0 and CC0.

An entry or resource names its licence by ``code``; pages show ``title`` and open data links ``url``.
Entries published before licences existed carry none and count as :data:`DEFAULT_LICENSE`.
"""
from dataclasses import dataclass

from marshmallow import validate

from shared.schemas import Text


@dataclass(frozen=True)
class License:
    code: str
    title: str
    url: str


LICENSES = {item.code: item for item in (
    License("cc-by-4.0", "CC BY 4.0 — с указанием авторства",
            "https://creativecommons.org/licenses/by/4.0/"),
    License("cc-by-sa-4.0", "CC BY-SA 4.0 — с указанием авторства, на тех же условиях",
            "https://creativecommons.org/licenses/by-sa/4.0/"),
    License("cc-by-nc-4.0", "CC BY-NC 4.0 — с указанием авторства, некоммерческая",
            "https://creativecommons.org/licenses/by-nc/4.0/"),
    License("cc-by-nc-sa-4.0", "CC BY-NC-SA 4.0 — с указанием авторства, некоммерческая, на тех же условиях",
            "https://creativecommons.org/licenses/by-nc-sa/4.0/"),
    License("cc-by-nd-4.0", "CC BY-ND 4.0 — с указанием авторства, без производных",
            "https://creativecommons.org/licenses/by-nd/4.0/"),
    License("cc-by-nc-nd-4.0", "CC BY-NC-ND 4.0 — с указанием авторства, некоммерческая, без производных",
            "https://creativecommons.org/licenses/by-nc-nd/4.0/"),
    License("cc0-1.0", "CC0 1.0 — переход в общественное достояние",
            "https://creativecommons.org/publicdomain/zero/1.0/"),
)}
DEFAULT_LICENSE = "cc-by-4.0"


def license_of(item):
    """The :class:`License` of a published entry or resource (a dict), the default when it has none."""
    return LICENSES.get(item.get("license") or DEFAULT_LICENSE, LICENSES[DEFAULT_LICENSE])


def license_field(**extra):
    """The ``license`` field of an input schema: one of :data:`LICENSES`, CC BY 4.0 when not given."""
    return Text(
        load_default=DEFAULT_LICENSE,
        validate=validate.OneOf(LICENSES, error="Неизвестная лицензия «{input}»; допустимы: {choices}"),
        metadata={"description": "Лицензия (по умолчанию CC BY 4.0)"}, **extra)
