"""The network overview at ``/`` and the static files of every page."""
from datetime import date
from pathlib import Path

from werkzeug.wrappers import Response

from services.gateway import views
from services.gateway.web.charts import stacked_bars
from services.gateway.web.rendering import page, render, ru_date
from shared.errors import NotFound

STATIC = Path(__file__).parent / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".js": "text/javascript; charset=utf-8"}
FESTIVALS_SHOWN = 6
SEAT_WEEKS = 8


@page("GET", "/")
def overview_page(gateway, request, visitor):
    with gateway.read_model() as session:
        stats = views.network_stats(session)
        festivals = views.festivals(session, date_from=date.today(), per_page=FESTIVALS_SHOWN)["items"]
        names = views.municipality_names(session)
        weeks = views.free_seats_by_week(session, SEAT_WEEKS)
    kinds = sorted({kind for city in stats["municipalities"] for kind in city["published"]})
    kind_titles = {kind: views.kind_title(kind) for kind in kinds}
    published_chart = stacked_bars("Опубликовано по городам и видам записей",
                                   [(city["name"], city["published"]) for city in stats["municipalities"]],
                                   kind_titles)
    with_sessions = {code for _, seats in weeks for code in seats}
    cities = {city["code"]: city["name"] for city in stats["municipalities"] if city["code"] in with_sessions}
    seats_chart = stacked_bars("Свободные места на профпробах по неделям",
                               [("с " + ru_date(monday), seats) for monday, seats in weeks], cities)
    return render(request, "home.html", stats=stats, festivals=festivals, names=names,
                  kind_titles=kind_titles, published_chart=published_chart, seats_chart=seats_chart)


@page("GET", "/static/<name>")
def static_file(gateway, request, visitor, name):
    path = STATIC / name
    if path.suffix not in STATIC_TYPES or path.parent != STATIC or not path.is_file():
        raise NotFound("Такого файла нет")
    return Response(path.read_bytes(), content_type=STATIC_TYPES[path.suffix],
                    headers={"Cache-Control": "public, max-age=3600"})
