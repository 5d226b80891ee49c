"""The administrator's pages: accounts (list, create, disable and enable, a one-time code or link),
organisations of each city, the municipalities with their plugins.

Everything goes through the catalog, which owns accounts and the directory and refuses anyone but an
administrator; the pages only check the role first to answer 403 before showing a form. A one-time code
or link is rendered into the answer of the POST that made it (never a page one could open again):
the catalog keeps only its hash.
"""
import functools

from marshmallow import validate

from services.catalog.contract import RESET_KINDS, AccountQuery, NewAccountSchema, NewOrganizationSchema
from services.gateway.endpoints.administration import issue_reset
from services.gateway.web.forms import form_dict
from services.gateway.web.passwords import filled
from services.gateway.web.rendering import only_for, page, redirect, render
from services.gateway.web.search import page_link
from shared.auth import ADMIN, ROLE_TITLES
from shared.errors import Conflict, NotFound, ValidationFailed
from shared.plugins import ORGANIZATION_KINDS
from shared.schemas import MAX_PER_PAGE, Text, load

ADMINS_ONLY = "Эта страница — для администраторов сети"
ACCOUNT_FILTERS = ("role", "municipality", "disabled", "page")
ACCOUNTS_PAGE = 20


class AccountFormSchema(NewAccountSchema):
    """The new-account form: the account without a password, and how its first sign-in is handed over."""

    handover = Text(load_default="code", validate=validate.OneOf(RESET_KINDS))


@page("GET", "/admin/accounts")
def accounts_page(gateway, request, visitor):
    only_for(visitor, (ADMIN,), ADMINS_ONLY)
    args = {key: request.args[key].strip() for key in ACCOUNT_FILTERS if request.args.get(key, "").strip()}
    try:
        found = gateway.catalog.list_accounts({**load(AccountQuery(), args), "per_page": ACCOUNTS_PAGE})
        errors = {}
    except ValidationFailed as error:  # a hand-edited address: the whole list, with the reason shown
        found, errors = gateway.catalog.list_accounts({"per_page": ACCOUNTS_PAGE}), error.fields
    return render(request, "admin_accounts.html", found=found, args=args, errors=errors,
                  link=functools.partial(page_link, "/admin/accounts"), **_directory(gateway, ))


@page("GET", "/admin/accounts/new")
def new_account_page(gateway, request, visitor):
    only_for(visitor, (ADMIN,), ADMINS_ONLY)
    return _account_form(gateway, request, typed={"handover": "code"}, errors={})


@page("POST", "/admin/accounts/new")
def create_account_page(gateway, request, visitor):
    only_for(visitor, (ADMIN,), ADMINS_ONLY)
    form = form_dict(request)
    schema = AccountFormSchema(exclude=("password",))
    try:
        data = load(schema, filled(form, schema))
        handover = data.pop("handover")
        account = gateway.catalog.create_account(data)
    except (ValidationFailed, Conflict, NotFound) as error:
        return _account_form(gateway, request, typed=form, errors=error.fields, message=error.message,
                                  status=error.status)
    return _handover(gateway, request, account, handover, created=True)


@page("POST", "/admin/accounts/<username>/<any(disable, enable):action>")
def account_access_page(gateway, request, visitor, username, action):
    only_for(visitor, (ADMIN,), ADMINS_ONLY)
    gateway.catalog.set_account_disabled(username, action == "disable")
    return redirect(f"/admin/accounts?done=account_{action}d#main")


@page("POST", "/admin/accounts/<username>/reset")
def account_reset_page(gateway, request, visitor, username):
    only_for(visitor, (ADMIN,), ADMINS_ONLY)
    schema = AccountFormSchema(only=("handover",))
    kind = load(schema, filled(form_dict(request), schema))["handover"]
    return _handover(gateway, request, {"username": username}, kind, created=False)


def _handover(gateway, request, account, kind, created):
    reset = issue_reset(gateway.catalog, account["username"], kind)
    return render(request, "admin_handover.html", account=account, reset=reset, created=created,
                  **_directory(gateway, ))


def _account_form(gateway, request, typed, errors, message=None, status=200):
    return render(request, "admin_account_form.html", status=status, typed=typed, errors=errors,
                  message=message, handovers=RESET_KINDS, **_directory(gateway, with_organizations=True))


@page("GET", "/admin/organizations")
def organizations_page(gateway, request, visitor):
    only_for(visitor, (ADMIN,), ADMINS_ONLY)
    return _organizations(gateway, request, typed={"municipality": request.args.get("municipality", "")}, errors={})


@page("POST", "/admin/organizations")
def add_organization_page(gateway, request, visitor):
    only_for(visitor, (ADMIN,), ADMINS_ONLY)
    form = form_dict(request)
    try:
        added = gateway.catalog.add_organization(load(NewOrganizationSchema(), filled(form, NewOrganizationSchema())))
    except (ValidationFailed, Conflict, NotFound) as error:
        return _organizations(gateway, request, typed=form, errors=error.fields, message=error.message,
                                   status=error.status)
    return redirect(f"/admin/organizations?municipality={added['municipality']}&done=organization_added#main")


def _organizations(gateway, request, typed, errors, message=None, status=200):
    directory = _directory(gateway, with_organizations=True)
    shown = typed.get("municipality") if typed.get("municipality") in directory["cities"] else None
    return render(request, "admin_organizations.html", status=status, typed=typed, errors=errors,
                  message=message, shown=shown, kinds=ORGANIZATION_KINDS, **directory)


@page("GET", "/admin/municipalities")
def municipalities_page(gateway, request, visitor):
    only_for(visitor, (ADMIN,), ADMINS_ONLY)
    return render(request, "admin_municipalities.html", municipalities=gateway.catalog.municipality_plugins())


def _directory(gateway, with_organizations=False):
    """City names, role titles and (for forms) every organisation by city, from the catalog."""
    cities = {city["code"]: city["name"] for city in gateway.catalog.list_municipalities()}
    directory = {"cities": cities, "roles": ROLE_TITLES}
    if with_organizations:
        by_city = {code: [] for code in cities}
        for organization in _all_organizations(gateway, ):
            by_city.setdefault(organization["municipality"], []).append(organization)
        directory["organizations"] = by_city
    return directory


def _all_organizations(gateway):
    page_number, found = 1, []
    while True:
        listed = gateway.catalog.list_organizations({"page": page_number, "per_page": MAX_PER_PAGE})
        found += listed["items"]
        if page_number * MAX_PER_PAGE >= listed["total"]:
            return found
        page_number += 1
