"""The network overview at ``/`` and the static files of every page."""
from datetime import date
from pathlib import Path

from werkzeug.wrappers import Response

from services.gateway import views
from services.gateway.web.charts import stacked_bars
from services.gateway.web.rendering import page, render
from shared.errors import NotFound

STATIC = Path(__file__).parent / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
FESTIVALS_SHOWN = 6


class HomePages:
    @page("GET", "/")
    def overview_page(self, request, visitor):
        with self.read_model() as session:
            stats = views.network_stats(session)
            festivals = views.festivals(session, date_from=date.today(), per_page=FESTIVALS_SHOWN)["items"]
            names = views.municipality_names(session)
        kinds = sorted({kind for city in stats["municipalities"] for kind in city["published"]})
        kind_titles = {kind: views.kind_title(kind) for kind in kinds}
        chart = stacked_bars("Опубликовано по городам и видам записей",
                             [(city["name"], city["published"]) for city in stats["municipalities"]], kind_titles)
        return render(request, "home.html", stats=stats, festivals=festivals, names=names,
                      kind_titles=kind_titles, chart=chart)

    @page("GET", "/static/<name>")
    def static_file(self, request, visitor, name):
        path = STATIC / name
        if path.suffix not in STATIC_TYPES or path.parent != STATIC or not path.is_file():
            raise NotFound("Такого файла нет")
        return Response(path.read_bytes(), content_type=STATIC_TYPES[path.suffix],
                        headers={"Cache-Control": "public, max-age=3600"})
