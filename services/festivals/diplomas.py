"""Diplomas: a PDF per winner, typeset with WeasyPrint and kept in the file store."""
from html import escape

from weasyprint import HTML

from services.festivals.contract import KINDS
from services.festivals.models import KnownMunicipality
from services.festivals.organising import get_festival
from services.festivals.verification import code_of, qr_data_uri, verification_url
from shared.errors import Conflict, NotFound

PLACES = {1: "I", 2: "II", 3: "III"}
STYLE = """
@page { size: A4 landscape; margin: 1.5cm; }
body { font-family: "DejaVu Serif", serif; text-align: center; border: 6px double #8a6d1d; padding: 1.5cm; }
h1 { font-size: 40pt; letter-spacing: .2em; margin: 0 0 .5cm; color: #8a6d1d; }
.place { font-size: 22pt; } .practice { font-size: 20pt; font-weight: bold; margin: .6cm 0; }
.small { font-size: 12pt; color: #444; }
.check { position: absolute; right: 1.2cm; bottom: 1.2cm; width: 3.2cm; font-size: 8pt; color: #444; }
.check img { width: 3.2cm; height: 3.2cm; }
"""


def diploma(session, festival_id, entry_id, store, config):
    """The digest of the winner's diploma PDF in ``store`` (the same entry always gives the same file).

    Its QR code opens the diploma's public verification page, which names the winner.
    """
    festival = get_festival(session, festival_id)
    entry = next((e for e in festival.entries if e.id == entry_id), None)
    if entry is None:
        raise NotFound(f"В фестивале №{festival_id} нет заявки №{entry_id}")
    if entry.place is None:
        raise Conflict("Итоги для этой заявки не объявлены: диплома нет", {"place": ["Нет места"]})
    nomination = next(n.title for n in festival.nominations if n.id == entry.nomination_id)
    city = session.get(KnownMunicipality, entry.municipality)
    place = PLACES.get(entry.place, str(entry.place))
    url = verification_url(config, code_of(config["DIPLOMA_SECRET"], festival.id, entry.id))
    html = (f"<html lang='ru'><head><meta charset='utf-8'><style>{STYLE}</style></head><body>"
            f"<h1>ДИПЛОМ</h1><p class='place'>{place} степени</p>"
            f"<p>в номинации «{escape(nomination)}»</p>"
            f"<p class='practice'>{escape(entry.practice_title)}</p>"
            f"<p>{escape(city.name if city else entry.municipality)}</p>"
            f"<p class='small'>{escape(KINDS[festival.kind])} «{escape(festival.title)}», "
            f"{festival.starts_on:%d.%m.%Y}–{festival.ends_on:%d.%m.%Y}</p>"
            f"<p class='small'>Сеть практик</p>"
            f"<div class='check'><img src='{qr_data_uri(url)}' alt='QR-код проверки диплома'>"
            f"<br>Проверка подлинности: {escape(url)}</div></body></html>")
    return store.put(HTML(string=html).write_pdf())
