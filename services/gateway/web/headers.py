"""The security headers of every answer of the gateway, set in one place (``http.JsonWsgiApp``).

- every answer: ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: same-origin`` (feed addresses
  carry a secret, and no page address should reach another site);
- HTML: a Content-Security-Policy without inline script (the pages have no script at all; the JSON-LD
  data block is not executed), and no framing by any site;
- ``Cache-Control: no-store`` on everything that may carry personal data: any answer to a request with
  the session cookie or a bearer token, any answer setting a cookie, any write, and the Atom feeds
  (addressed by a secret). Only public static files keep their own caching.
"""
from werkzeug.http import parse_cookie

from services.gateway.web.session import COOKIE

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",  # data: for the empty favicon of base.html
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
EVERY_ANSWER = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"))
HTML_ONLY = (("Content-Security-Policy", CONTENT_SECURITY_POLICY), ("X-Frame-Options", "DENY"))
STATIC_PREFIX = "/static/"
SECRET_ADDRESSES = ("/feeds/",)
READS = frozenset(("GET", "HEAD"))


def add_security_headers(environ, headers):
    """Complete ``headers`` (a WSGI header list of the answer to ``environ``) in place."""
    names = {name.lower() for name, _ in headers}
    headers.extend(header for header in EVERY_ANSWER if header[0].lower() not in names)
    content_type = next((value for name, value in headers if name.lower() == "content-type"), "")
    if content_type.startswith("text/html"):
        headers.extend(header for header in HTML_ONLY if header[0].lower() not in names)
    if _personal(environ, names):
        headers[:] = [(name, value) for name, value in headers if name.lower() != "cache-control"]
        headers.append(("Cache-Control", "no-store"))


def _personal(environ, answer_headers):
    if "set-cookie" in answer_headers:  # a new session (and its CSRF code) is never for anybody else
        return True
    path = environ.get("PATH_INFO", "")
    if path.startswith(STATIC_PREFIX):
        return False
    return (environ.get("REQUEST_METHOD") not in READS or path.startswith(SECRET_ADDRESSES)
            or bool(environ.get("HTTP_AUTHORIZATION")) or COOKIE in parse_cookie(environ))

