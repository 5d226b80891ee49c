"""Diplomas (a PDF per winner and laureate), certificates of participation (one per entry) and the ZIP
of them all, typeset with WeasyPrint and kept in the file store."""
import io
import zipfile
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
    """The digest of the winner's (or laureate's) diploma PDF in ``store`` (the same entry always gives
    the same file). Its QR code opens the diploma's public verification page, which names the winner."""
    festival, entry = _entry(session, festival_id, entry_id)
    if entry.place is None and not entry.laureate:
        raise Conflict("Итоги для этой заявки не объявлены: диплома нет", {"place": ["Нет места"]})
    title = (f"<p class='place'>{PLACES.get(entry.place, str(entry.place))} степени</p>" if entry.place
             else "<p class='place'>лауреата</p>")
    return store.put(_pdf(session, festival, entry, config, "diploma", "ДИПЛОМ", title))


def certificate(session, festival_id, entry_id, store, config):
    """The digest of an entry's certificate of participation: every entry not withdrawn gets one."""
    festival, entry = _entry(session, festival_id, entry_id)
    return store.put(_pdf(session, festival, entry, config, "certificate", "СЕРТИФИКАТ",
                          "<p class='place'>участника</p>"))


def archive(session, festival_id, store, config):
    """Every diploma and certificate of a festival as one ZIP: ``[(filename, pdf bytes)]`` in entry order."""
    festival = get_festival(session, festival_id)
    files = []
    for entry in (e for e in festival.entries if e.status == "submitted"):
        if entry.place is not None or entry.laureate:
            files.append((f"diplom-{festival.id}-{entry.id}.pdf",
                          diploma(session, festival.id, entry.id, store, config)))
        files.append((f"sertifikat-{festival.id}-{entry.id}.pdf",
                      certificate(session, festival.id, entry.id, store, config)))
    if not files:
        raise Conflict("В фестивале нет заявок: архив пуст", {"entries": ["Нет заявок"]})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, digest in files:
            bundle.writestr(name, store.get(digest))
    return store.put(buffer.getvalue())


def _entry(session, festival_id, entry_id):
    festival = get_festival(session, festival_id)
    entry = next((e for e in festival.entries if e.id == entry_id and e.status == "submitted"), None)
    if entry is None:
        raise NotFound(f"В фестивале №{festival_id} нет заявки №{entry_id}")
    return festival, entry


def _pdf(session, festival, entry, config, document, heading, title):
    nomination = next(n.title for n in festival.nominations if n.id == entry.nomination_id)
    city = session.get(KnownMunicipality, entry.municipality)
    url = verification_url(config, code_of(config["DIPLOMA_SECRET"], festival.id, entry.id, document))
    html = (f"<html lang='ru'><head><meta charset='utf-8'><style>{STYLE}</style></head><body>"
            f"<h1>{heading}</h1>{title}"
            f"<p>в номинации «{escape(nomination)}»</p>"
            f"<p class='practice'>{escape(entry.practice_title)}</p>"
            f"<p>{escape(city.name if city else entry.municipality)}</p>"
            f"<p class='small'>{escape(KINDS[festival.kind])} «{escape(festival.title)}», "
            f"{festival.starts_on:%d.%m.%Y}–{festival.ends_on:%d.%m.%Y}</p>"
            f"<p class='small'>Сеть практик</p>"
            f"<div class='check'><img src='{qr_data_uri(url)}' alt='QR-код проверки'>"
            f"<br>Проверка подлинности: {escape(url)}</div></body></html>")
    return HTML(string=html).write_pdf()
