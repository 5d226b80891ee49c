"""The visitor's session: a signed, HttpOnly, SameSite=Lax cookie (over HTTPS also Secure) with the
access token and a CSRF token.

The cookie holds ``{"token", "csrf"}`` signed with HMAC-SHA256 under the JWT secret, so nothing is
stored on the server. A guest gets a session too (token ``None``) because the sign-in form needs a
CSRF token as much as any other form.
"""
import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

from nameko import config

from shared.auth import verify_token
from shared.errors import Forbidden, Unauthorized

COOKIE = "pn_session"


@dataclass(frozen=True)
class Visitor:
    token: str | None
    csrf: str
    identity: object = None  # shared.auth.Identity of a signed-in visitor
    fresh: bool = False  # the cookie must be (re)sent with the response

    @property
    def role(self):
        return self.identity.role if self.identity else None


def _signature(payload):
    return hmac.new(config["JWT_SECRET"].encode(), payload, hashlib.sha256).hexdigest()


def encode(token, csrf):
    payload = base64.urlsafe_b64encode(json.dumps({"token": token, "csrf": csrf}).encode())
    return f"{payload.decode()}.{_signature(payload)}"


def decode(value):
    """The cookie's content, or None when it is missing, malformed or not signed by us."""
    payload, _, signature = (value or "").encode().rpartition(b".")
    if not payload or not hmac.compare_digest(_signature(payload).encode(), signature):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload))
    except ValueError:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("csrf"), str) else None


def new_session(token=None):
    """A fresh session (on sign-in and sign-out the CSRF token changes too)."""
    identity = verify_token(token, config["JWT_SECRET"]) if token else None
    return Visitor(token, secrets.token_urlsafe(24), identity, fresh=True)


def visitor_of(request):
    """Who is asking: the signed-in person of a valid cookie, else a guest with a new session."""
    data = decode(request.cookies.get(COOKIE))
    if data is None:
        return new_session()
    token = data.get("token")
    if not token:
        return Visitor(None, data["csrf"])
    try:
        return Visitor(token, data["csrf"], verify_token(token, config["JWT_SECRET"]))
    except Unauthorized:  # the token expired: a guest now, whose open forms (sign-in) still go through
        return Visitor(None, data["csrf"], fresh=True)


def check_csrf(request, visitor):
    sent = request.form.get("csrf_token", "")
    if not hmac.compare_digest(sent.encode(), visitor.csrf.encode()):
        raise Forbidden("Форма устарела или отправлена не с этого сайта: обновите страницу и повторите",
                        {"csrf_token": ["Неверный код формы"]})


def remember(response, visitor, request=None):
    """Send the visitor's session if it is new, unless the page has just started another (sign-in, sign-out).
    Over HTTPS the cookie is Secure, so that no plain-HTTP request ever carries it. An answer meant for
    any cache (a static file) starts no session: a cache would hand the cookie to everybody."""
    started = any(cookie.startswith(COOKIE + "=") for cookie in response.headers.getlist("Set-Cookie"))
    if visitor.fresh and not started and not response.cache_control.public:
        response.set_cookie(COOKIE, encode(visitor.token, visitor.csrf), httponly=True, samesite="Lax",
                            secure=request is not None and served_over_https(request.environ),
                            path="/", max_age=int(config["TOKEN_TTL_SECONDS"]) if visitor.token else None)
    return response


def served_over_https(environ):
    """Whether the visitor reached the site over HTTPS: the public address says so, or the request
    came so, directly or through the proxy of ``deploy/nginx.conf`` (``X-Forwarded-Proto``). A client
    that forges the header only makes its own cookie Secure, which its plain-HTTP visits then lack."""
    forwarded = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[0].strip().lower()
    return ((config.get("PUBLIC_BASE_URL") or "").lower().startswith("https://")
            or environ.get("wsgi.url_scheme") == "https" or forwarded == "https")
