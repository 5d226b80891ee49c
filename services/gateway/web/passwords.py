"""Passwords in the browser: anyone signed in changes their own; a person given a one-time code (with
their username) or a one-time link by an administrator sets a new password with it and is signed in.

The catalog checks and uses up the code or link (services/catalog/resets.py); the page asks for the new
password twice, so a typing slip does not lock the person out straight away.
"""
from marshmallow import Schema, ValidationError, validate, validates_schema

from services.catalog.contract import OneTimeSecretSchema, strong_password
from services.gateway.endpoints.administration import complete_reset
from services.gateway.endpoints.system import token_for
from services.gateway.web import session
from services.gateway.web.forms import form_dict
from services.gateway.web.rendering import page, redirect, render
from shared.errors import Forbidden, TooManyRequests, Unauthorized, ValidationFailed
from shared.schemas import Text, load

MISMATCH = "Пароли не совпадают: введите новый пароль ещё раз в оба поля"


class NewPasswordFormSchema(Schema):
    new_password = Text(required=True, trim=False, validate=[validate.Length(max=200), strong_password])
    new_password_again = Text(required=True, trim=False, validate=validate.Length(max=200))

    @validates_schema
    def typed_twice_alike(self, data, **kwargs):
        if data["new_password"] != data["new_password_again"]:
            raise ValidationError({"new_password_again": [MISMATCH]})


class PasswordChangeFormSchema(NewPasswordFormSchema):
    current_password = Text(required=True, trim=False, validate=validate.Length(min=1, max=200))


def filled(form, schema):
    """The form's non-empty fields that ``schema`` declares (a hidden ``next`` or button is no input)."""
    return {key: value for key, value in form.items() if key in schema.fields and value.strip()}


def signed_in_to(token, location, request):
    """Go to ``location`` in a new session of ``token`` (its CSRF token is new too)."""
    return session.remember(redirect(location), session.new_session(token), request)


@page("GET", "/account/password")
def password_page(gateway, request, visitor):
    if visitor.identity is None:
        raise Unauthorized("Нужно войти в систему")
    return render(request, "password_change.html", errors={})


@page("POST", "/account/password")
def change_password_page(gateway, request, visitor):
    if visitor.identity is None:
        raise Unauthorized("Нужно войти в систему")
    try:
        data = load(PasswordChangeFormSchema(), filled(form_dict(request), PasswordChangeFormSchema()))
        account = gateway.catalog.change_password({key: data[key] for key in ("current_password", "new_password")})
    except (ValidationFailed, Forbidden) as error:
        return render(request, "password_change.html", status=error.status, errors=error.fields,
                      message=error.message)
    token, _, _ = token_for(account)  # the old session's token no longer works anywhere
    return signed_in_to(token, "/cabinet?done=password_changed", request)


@page("GET", "/login/code")
def code_page(gateway, request, visitor):
    return render(request, "login_code.html", step="code", typed={}, errors={})


@page("POST", "/login/code")
def code_check_page(gateway, request, visitor):
    """Step 1: the username and code are right (not used up yet): ask for the new password."""
    form = form_dict(request)
    try:
        secret = load(OneTimeSecretSchema(), {key: form[key] for key in ("username", "code") if form.get(key)})
        account = gateway.catalog.check_one_time_secret(secret, {"address": request.remote_addr})
    except (ValidationFailed, Unauthorized, Forbidden, TooManyRequests) as error:
        return render(request, "login_code.html", step="code", status=error.status, typed=form,
                      errors=error.fields, message=error.message)
    return render(request, "login_code.html", step="password", typed=secret, account=account, errors={})


@page("POST", "/login/code/password")
def code_password_page(gateway, request, visitor):
    """Step 2: the new password, with the code again (a hidden field of the step-1 answer)."""
    form = form_dict(request)
    return _complete(gateway, request, form, {key: form.get(key, "") for key in ("username", "code")},
                          "login_code.html", step="password", typed=form)


@page("GET", "/password/reset/<token>")
def reset_link_page(gateway, request, visitor, token):
    secret = load(OneTimeSecretSchema(), {"token": token})
    try:
        account = gateway.catalog.check_one_time_secret(secret, {"address": request.remote_addr})
    except (Unauthorized, Forbidden) as error:
        return render(request, "password_reset.html", status=error.status, token=None, message=error.message,
                      errors={})
    return render(request, "password_reset.html", token=token, account=account, errors={})


@page("POST", "/password/reset/<token>")
def reset_link_password_page(gateway, request, visitor, token):
    return _complete(gateway, request, form_dict(request), {"token": token}, "password_reset.html", token=token)


def _complete(gateway, request, form, secret, template, **context):
    """Set the new password with the one-time ``secret`` and sign the person in."""
    try:
        data = load(NewPasswordFormSchema(), filled(form, NewPasswordFormSchema()))
        secret = load(OneTimeSecretSchema(), {key: value for key, value in secret.items() if value})
        token, _, _ = complete_reset(gateway.catalog, {**secret, "new_password": data["new_password"]}, request)
    except (ValidationFailed, Unauthorized, Forbidden, TooManyRequests) as error:
        if not set(error.fields) & {"new_password", "new_password_again"} and secret.get("token"):
            context["token"] = None  # the link itself is bad: no form to fill in again
        return render(request, template, status=error.status, errors=error.fields, message=error.message,
                      **context)
    return signed_in_to(token, "/cabinet?done=password_set", request)
