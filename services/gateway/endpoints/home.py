"""The front page at ``/``: what the network holds and where the API starts, for a first visitor."""
from html import escape

from werkzeug.wrappers import Response

from services.gateway import views
from services.gateway.http import route

PAGE = """<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Сеть практик</title>
<style>body{{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}}
table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ccc;padding:.3rem .5rem;text-align:left}}
a{{color:#0b57d0}}</style></head><body>
<h1>Сеть практик</h1>
<p>Общий реестр лучших практик, профессиональных проб и фестивалей муниципалитетов.</p>
<form action="/api/v1/search"><label for="q">Поиск по всем городам</label>
<input id="q" name="q" placeholder="например, лазер"> <button>Найти</button></form>
<h2>Муниципалитеты</h2>
<table><thead><tr><th>Город</th><th>Опубликовано</th><th>Ближайших занятий</th><th>Свободных мест</th></tr></thead>
<tbody>{rows}</tbody></table>
<h2>API</h2>
<ul><li><a href="/api/v1/openapi.json">Описание API (OpenAPI 3)</a></li>
<li><a href="/health">Состояние сервисов</a></li>
<li><a href="/api/v1/network/stats">Показатели сети</a></li></ul>
</body></html>"""


class HomeEndpoints:
    @route("GET", "/", "Главная страница", "Служебное", response_type="text/html")
    def home(self, request):
        with self.read_model() as session:
            stats = views.network_stats(session)
        rows = "".join(
            f"<tr><td>{escape(city['name'])}</td><td>{sum(city['published'].values())}</td>"
            f"<td>{city['upcoming_sessions']}</td><td>{city['free_trial_seats']}</td></tr>"
            for city in stats["municipalities"]) or '<tr><td colspan="4">Пока ни одного города</td></tr>'
        return Response(PAGE.format(rows=rows), content_type="text/html; charset=utf-8")
