"""The «Уведомления» page: what concerns the visitor, newest first, and the address of their Atom feed."""
from services.gateway import notifications
from services.gateway.endpoints.notifications import feed_url
from services.gateway.web.rendering import page, redirect, render
from shared.errors import Unauthorized

SHOWN = 100


@page("GET", "/notifications")
def notifications_page(gateway, request, visitor):
    if visitor.identity is None:
        raise Unauthorized("Нужно войти в систему")
    with gateway.read_model() as session:
        found = notifications.of(session, visitor.identity, per_page=SHOWN)
    return render(request, "notifications.html", found=found, feed=feed_url(request, visitor.identity))


@page("POST", "/notifications/read")
def read_notifications_page(gateway, request, visitor):
    if visitor.identity is None:
        raise Unauthorized("Нужно войти в систему")
    with gateway.read_model.begin() as session:
        notifications.mark_read(session, visitor.identity)
    return redirect("/notifications?done=read")
