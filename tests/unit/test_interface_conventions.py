"""Conventions every page shares: Russian plurals and decimal commas, the directions list, error pages."""
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from marshmallow import Schema
from werkzeug.datastructures import MultiDict

from services.gateway.web.forms import entry_fields, entry_input
from services.gateway.web.rendering import PageEntrypoint, decimal, environment, plural, render
from shared import plugins
from shared.errors import Forbidden, InternalError, NotFound, ValidationFailed
from shared.plugins import Direction, direction_code, direction_title, directions
from shared.schemas import DirectionCode, load

PRACTICES = ("практика", "практики", "практик")


@pytest.mark.parametrize("count, shown", [(1, "1 практика"), (21, "21 практика"), (2, "2 практики"),
                                          (24, "24 практики"), (5, "5 практик"), (11, "11 практик"),
                                          (12, "12 практик"), (0, "0 практик"), (111, "111 практик")])
def test_counts_take_the_russian_plural_form(count, shown):
    assert plural(count, *PRACTICES) == shown
    assert environment.from_string('{{ n|plural("практика", "практики", "практик") }}').render(n=count) == shown


def test_decimals_have_a_comma_and_no_trailing_zeros():
    assert decimal(0.5) == "0,5"
    assert decimal(3.0) == "3"
    assert decimal(2.25, 1) in ("2,2", "2,3")
    assert decimal(1234.5) == "1\xa0234,5"
    assert decimal(None) == ""
    assert environment.from_string("{{ 1.5|decimal }} ч").render() == "1,5 ч"


def test_directions_read_as_titles_and_unknown_text_as_it_was_stored():
    assert direction_title("mentoring") == "Наставничество"
    assert direction_title("Старое направление") == "Старое направление"
    assert direction_title(None) == ""
    assert direction_code("наставничество") == "mentoring" and direction_code("mentoring") == "mentoring"
    assert direction_code("Нет такого") is None


class Entry(Schema):
    direction = DirectionCode(load_default="")
    scope = DirectionCode(strict=False)


def test_the_api_takes_a_code_or_a_title_and_refuses_other_text_naming_the_field():
    assert load(Entry(), {"direction": "Профессиональное самоопределение"})["direction"] == "self_determination"
    assert load(Entry(), {"direction": "stem", "scope": "Что-то старое"}) == {"direction": "stem",
                                                                            "scope": "Что-то старое"}
    with pytest.raises(ValidationFailed) as refused:
        load(Entry(), {"direction": "Кулинария"})
    message = " ".join(refused.value.fields["direction"])
    assert "Выберите направление из списка" in message and "mentoring (Наставничество)" in message


def test_a_plugin_adds_a_direction(monkeypatch):
    ecology = Direction("ecology", "Экологическое воспитание")
    real = plugins.load_plugins
    monkeypatch.setattr(plugins, "load_plugins",
                        lambda group: {"eco": (ecology,)} if group == plugins.DIRECTIONS else real(group))
    directions.cache_clear()
    try:
        assert directions()["ecology"] == "Экологическое воспитание"
        assert directions()["mentoring"] == "Наставничество"  # built-ins stay
    finally:
        directions.cache_clear()


def test_the_entry_form_offers_the_directions_as_a_select():
    field = next(f for f in entry_fields("best_practice") if f.name == "direction")
    assert field.widget == "select" and ("mentoring", "Наставничество") in field.choices
    data, errors = entry_input("best_practice", MultiDict({"title": "Практика", "direction": "mentoring"}))
    assert not errors and data["direction"] == "mentoring"


class Texts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings, self.links, self._in = [], [], None

    def handle_starttag(self, tag, attrs):
        self._in = tag
        if tag == "a":
            self.links.append(dict(attrs)["href"])

    def handle_data(self, data):
        if self._in == "h1" and data.strip():
            self.headings.append(data.strip())


def _page(status, error, identity=None):
    request = SimpleNamespace(args={}, visitor=SimpleNamespace(identity=identity, csrf="c"))
    response = render(request, "error.html", status=status, error=error)
    parsed = Texts()
    parsed.feed(response.get_data(as_text=True))
    return response, parsed


def test_error_pages_share_the_layout_and_say_what_to_do_next():
    missing, page = _page(404, NotFound("Такой страницы на сайте нет."))
    assert missing.status_code == 404 and page.headings == ["Не найдено"] and "/search" in page.links
    forbidden, page = _page(403, Forbidden("Нет доступа к этой странице."))
    assert forbidden.status_code == 403 and page.headings == ["Нет доступа"] and "/login" in page.links
    broken, page = _page(500, InternalError())
    assert broken.status_code == 500 and page.headings == ["Внутренняя ошибка сервера"] and "/" in page.links
    body = broken.get_data(as_text=True)
    assert "Обновите страницу" in body and "Сеть практик" in body and 'class="menu"' in body


def test_an_unexpected_exception_in_a_page_answers_the_russian_500_page():
    entrypoint = object.__new__(PageEntrypoint)
    entrypoint.method, entrypoint.url = "GET", "/cabinet"
    response = entrypoint.response_from_exception(ZeroDivisionError("division by zero"))
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and response.content_type.startswith("text/html")
    assert "Внутренняя ошибка сервера" in body and "ZeroDivisionError" not in body and "Traceback" not in body
