"""Pages: the ``page`` decorator, HTML rendering with Jinja2, redirects and error pages.

A page handler receives the request and the :class:`~services.gateway.web.session.Visitor`; every
POST is checked for the session's CSRF token first. Expected errors (``NetworkError``) become a
Russian page with the error's status, and a request that needs signing in goes to ``/login``.
"""
import functools
import json
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from markupsafe import Markup
from werkzeug.wrappers import Response

from services.gateway.http import ApiEntrypoint
from services.gateway.people import Directory
from services.gateway.web import session
from services.gateway.web.display import own_fields
from shared.auth import ADMIN, METHODIST, REVIEWER
from shared.db import Database
from shared.errors import Forbidden, NetworkError, Unauthorized
from shared.licenses import DEFAULT_LICENSE, LICENSES, license_of
from shared.plugins import direction_title, directions
from shared.wording import decimal, grades_text, plural

HTML_TYPE = "text/html; charset=utf-8"
TEMPLATES = Path(__file__).parent / "templates"
# The founding cities all live on Yekaterinburg time; times are shown as people there read them.
LOCAL_TIME = ZoneInfo("Asia/Yekaterinburg")
MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
          "ноября", "декабря")


def ru_date(value, with_time=False):
    """``2026-12-10T05:00:00+00:00`` → «10 декабря 2026, 10:00» (local time); dates without the time."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.astimezone(LOCAL_TIME)
        shown = f"{value.day} {MONTHS[value.month - 1]} {value.year}"
        return f"{shown}, {value:%H:%M}" if with_time else shown
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def ru_time(value):
    """``2026-12-10T07:00:00+00:00`` → «12:00», the local time of day (a session's end)."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return f"{value.astimezone(LOCAL_TIME):%H:%M}"


def messages(value):
    """Error messages of one field, however nested (a list field reports ``{index: [...]}``)."""
    if isinstance(value, dict):
        return [message for nested in value.values() for message in messages(nested)]
    if isinstance(value, (list, tuple)):
        return [message for nested in value for message in messages(nested)]
    return [str(value)]


environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                          trim_blocks=True, lstrip_blocks=True)
environment.filters.update(ru_date=ru_date, ru_time=ru_time, grade_range=grades_text, messages=messages,
                           plural=plural, decimal=decimal, direction_title=direction_title)


def script_json(document):
    """JSON for a ``<script>`` element: ``<``, ``>`` and ``&`` escaped so no text can close the element."""
    text = json.dumps(document, ensure_ascii=False, default=str)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


environment.filters["script_json"] = script_json


@pass_context
def person(context, username, with_position=True):
    """``{{ b.school|person }}`` → «Наталья Владимировна Крылова, заместитель директора школы №1»: pages
    name people, never their logins. Outside a page handler (an unmatched address) the login stays."""
    people = context.get("people")
    return people.name(username, with_position) if people else (username or "")


environment.filters["person"] = person
environment.globals.update(license_of=license_of, licenses=LICENSES, default_license=DEFAULT_LICENSE,
                           directions=directions)


# What a redirect after a successful form says on the next page (``?done=booked``); a code rather than
# the text itself, so that nobody can make the site display a message of their own.
NOTICES = {
    "booked": "Места забронированы. Бронь видна в кабинете школы.",
    "waitlisted": "Вы в листе ожидания: когда места освободятся, бронь подтвердится сама и придёт уведомление.",
    "left-waitlist": "Вы покинули лист ожидания.",
    "scheduled": "Занятие назначено, школы уже могут записываться.",
    "scheduled_draft": "Занятие назначено. Школы увидят его и смогут записаться, когда запись опубликуют.",
    "cancelled": "Бронь отменена, места вернулись в расписание.",
    "created": "Черновик сохранён.",
    "saved": "Изменения сохранены.",
    "submit": "Запись отправлена на рассмотрение эксперту.",
    "approve": "Запись одобрена и опубликована.",
    "request-changes": "Запись возвращена автору на доработку.",
    "reject": "Запись отклонена.",
    "withdraw": "Запись снята.",
    "archive": "Запись перенесена в архив.",
    "imported": "Строки из Excel загружены как черновики.",
    "uploaded": "Ресурс добавлен.",
    "signed_out": "Вы вышли из системы.",
    "adopted": "Практика внедряется: это черновик вашего города, измените его под себя и отправьте на рассмотрение.",
    "reported": "Спасибо! Отчёт о результатах внедрения виден на странице оригинала.",
    "read": "Уведомления отмечены прочитанными.",
    "reviewed": "Рецензия подана.",
    "password_changed": "Пароль изменён. Войти со старым паролем больше нельзя.",
    "password_set": "Пароль задан, вы вошли в систему. Дальше входите с ним на странице «Войти».",
    "account_disabled": "Учётная запись отключена: войти в неё нельзя, открытые сеансы закрыты.",
    "account_enabled": "Учётная запись снова включена.",
    "organization_added": "Организация добавлена в справочник.",
    "festival_created": "Фестиваль опубликован. Добавьте программу, затем откройте приём заявок.",
    "programme_added": "Пункт добавлен в программу.",
    "festival_cancelled": "Фестиваль отменён.",
    "call_opened": "Приём заявок открыт: методисты видят кнопку «Подать заявку» на странице фестиваля.",
    "entered": "Заявка подана. Её состояние видно здесь, в «Мои заявки».",
    "entry_withdrawn": "Заявка отозвана.",
    "jury_appointed": "Жюри назначено: члены жюри видят заявки в своём кабинете.",
    "results_announced": "Итоги объявлены: заявители получили уведомления, дипломы готовы.",
    "put_forward": "Практика выдвинута на региональный фестиваль.",
}


# History items name what happened by the status it led to (``services/practices/review.py``).
ACTION_TITLES = {"created": "Создан черновик", "edited": "Изменено", "submitted": "Отправлено на рассмотрение",
                 "approved": "Одобрено и опубликовано", "changes_requested": "Возвращено на доработку",
                 "rejected": "Отклонено", "withdrawn": "Снято", "archived": "В архиве"}


environment.globals["action_titles"] = ACTION_TITLES
environment.globals["own_fields"] = own_fields

# Who the menu offers what: a link only to pages the role can use (a school builds no collections).
MENU_ROLES = {"collections": (METHODIST, REVIEWER, ADMIN), "adoptions": (METHODIST, REVIEWER, ADMIN)}
environment.globals["menu_roles"] = MENU_ROLES


# Entries, their edits, imports and resources are a methodist's (services/practices/registry.py).
AUTHORS = (METHODIST,)
AUTHORS_ONLY = "Записи и ресурсы добавляют и изменяют методисты муниципалитетов"


def only_for(visitor, roles, message):
    """A page of other roles answers 403 before it shows a form (a guest is asked to sign in first)."""
    if visitor.identity is None:
        raise Unauthorized("Нужно войти в систему")
    if visitor.role not in roles:
        raise Forbidden(message)


def render(request, template, status=200, **context):
    return html_response(rendered(request, template, **context), status)


def rendered(request, template, **context):
    """The page's HTML text (``render`` answers it)."""
    visitor = getattr(request, "visitor", None)
    notice = NOTICES.get(request.args.get("done", "")) if request is not None else None
    people = getattr(request, "people", None)
    return environment.get_template(template).render(visitor=visitor, notice=notice, people=people, **context)


def html_response(body, status=200):
    return Response(body, status=status, content_type=HTML_TYPE)


def redirect(location):
    return Response(status=303, headers={"Location": location})


def error_page(request, error):
    """The page of a NetworkError (as ``shared.errors`` maps any exception): its status and message."""
    return render(request, "error.html", status=error.status, error=error)


# An address no page answers is told more than the API's «Такого адреса нет»: where to go instead.
UNMATCHED_MESSAGES = {404: "Такой страницы на сайте нет. Проверьте адрес или начните с главной страницы."}


def directory_of(container):
    """The directory of people over the service's read model, for pages rendered outside a page handler
    (an unmatched address, a refused request): their header names the visitor too."""
    sessions = next((dependency.sessions for dependency in container.dependencies
                     if isinstance(dependency, Database) and dependency.service_name == "gateway"), None)
    return Directory(sessions) if sessions is not None else None


def page_for_unmatched(request, error, container):
    """The error page of an address no page answers (404), or a method it does not take (405)."""
    request.visitor = session.visitor_of(request)  # the layout shows who is signed in
    request.people = directory_of(container)
    if error.status in UNMATCHED_MESSAGES:
        error = type(error)(UNMATCHED_MESSAGES[error.status], error.fields)
    return error_page(request, error)


class PageEntrypoint(ApiEntrypoint):
    """An ``http`` entrypoint answering HTML, with the visitor's session read before the worker starts.
    Its errors are the API's (``error_for``), shown as a page."""

    def handle_request(self, request):
        visitor = session.visitor_of(request)
        request.visitor, request.session_token = visitor, visitor.token
        return session.remember(super().handle_request(request), visitor, request)

    def response_from_exception(self, exc):
        # Refused before the page ran (an address naming nothing), or unexpected: no visitor to show.
        error = self.error_for(exc)
        return render(None, "error.html", status=error.status, error=error)


def page(method, path):
    """Declare a page handler ``handler(self, request, visitor, **path_values)``."""
    def decorate(handler):
        @functools.wraps(handler)
        def run(self, request, **params):
            visitor = request.visitor
            request.people = Directory(self.read_model)
            try:
                if method == "POST":
                    session.check_csrf(request, visitor)
                return handler(self, request, visitor, **params)
            except Unauthorized:
                back = request.full_path.rstrip("?") if method == "GET" else "/cabinet"
                return redirect("/login?next=" + quote(back))
            except NetworkError as error:
                return error_page(request, error)
        return PageEntrypoint.decorator(method, path, expected_exceptions=NetworkError)(run)
    return decorate
