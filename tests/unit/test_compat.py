"""The shims of shared/compat.py (and the nameko internals http.py and health.py build on): every hook
they rely on still exists in the installed nameko, kombu and eventlet, so an upgrade fails here,
loudly; and each shim does its job."""
import errno
import functools
import inspect
from types import SimpleNamespace

import eventlet
import pytest
from amqp.exceptions import RecoverableConnectionError
from eventlet.event import Event
from kombu import Connection
from kombu.mixins import ConsumerMixin
from nameko import events, messaging, rpc
from nameko.amqp import publish
from nameko.amqp.consume import Consumer
from nameko.containers import ServiceContainer
from nameko.exceptions import IncorrectSignature, ReplyQueueExpiredWithPendingReplies
from nameko.extensions import Entrypoint, Extension
from nameko.timer import Timer
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer

from services.catalog.service import CatalogService
from services.gateway.service import GatewayService
from shared import compat
from shared.errors import ServiceUnavailable
from shared.service import OwnedDataRpc


def parameters(function):
    return list(inspect.signature(function).parameters)


def source(function):
    return inspect.getsource(function)


# What the shims override or call, as nameko 3.0.0rc11 / kombu 5.7 / eventlet 0.41 have it.

def test_the_consumer_hooks_the_shims_override_are_still_there():
    assert parameters(Consumer.ack_message) == parameters(Consumer.requeue_message) == ["self", "message"]
    assert "message.channel.connection" in source(Consumer.ack_message)
    assert parameters(Consumer.on_consume_ready) == ["self", "connection", "channel", "consumers", "kwargs"]
    assert callable(Consumer.wait_until_consumer_ready)
    # kombu calls on_iteration before each drain and on_consume_ready after each (re)connection.
    assert "self.on_iteration()" in source(ConsumerMixin.consume)
    assert "self.on_consume_ready(" in source(ConsumerMixin.consumer_context)


def test_nameko_web_server_still_accepts_as_the_gateway_s_shared_port_loop_does():
    """services/gateway/http.py ``GatewayWebServer.run`` is nameko's loop with a pause before accepting."""
    loop = source(WebServer.run)
    assert "while self._is_accepting:" in loop and "self._sock.accept()" in loop
    assert "sock.settimeout(self._serv.socket_timeout)" in loop
    assert "self.container.spawn_managed_thread(" in loop and "partial(self.process_request, sock, addr)" in loop
    assert "self._is_accepting = False" in source(WebServer.stop)


def test_kombu_still_acknowledges_every_earlier_delivery_with_one_frame():
    from kombu.message import Message
    assert parameters(Message.ack) == ["self", "multiple"]
    assert "basic_ack(self.delivery_tag, multiple=multiple)" in source(Message.ack)


def test_kombu_still_keeps_the_established_connection_in_a_private_attribute():
    assert Connection("memory://")._connection is None
    # The hazard the shim guards against: reading ``connection`` silently opens a new one when the old died.
    assert "self._ensure_connection(" in source(Connection.connection.fget)
    assert "self._connection = self._establish_connection()" in source(Connection._connection_factory)


def test_each_extension_still_builds_its_consumer_from_consumer_cls():
    assert rpc.RpcConsumer.consumer_cls is Consumer and "self.consumer_cls(" in source(rpc.RpcConsumer.setup)
    assert issubclass(rpc.ReplyListener.consumer_cls, Consumer)
    assert "self.consumer_cls(" in source(rpc.ReplyListener.setup)
    assert events.EventHandler.consumer_cls is Consumer and "self.consumer_cls(" in source(messaging.Consumer.setup)
    assert isinstance(rpc.Rpc.rpc_consumer, rpc.RpcConsumer)
    assert "self.rpc_consumer.handle_result(" in source(rpc.Rpc.handle_result)
    assert "self.rpc_consumer.consumer.requeue_message(" in source(rpc.Rpc.handle_message)


def test_the_rpc_hooks_the_shims_override_are_still_there():
    assert parameters(rpc.RpcConsumer.handle_result) == ["self", "message", "result", "exc_info"]
    assert parameters(rpc.ReplyListener.check_for_lost_replies) == ["self"]
    assert "raise ReplyQueueExpiredWithPendingReplies(" in source(rpc.ReplyListener.check_for_lost_replies)
    assert rpc.ReplyListener().pending == {}
    assert isinstance(rpc.ClusterRpc.reply_listener, rpc.ReplyListener)
    assert parameters(rpc.ClusterRpc.get_dependency) == ["self", "worker_ctx"]
    assert "self.publisher_options" in source(rpc.ClusterRpc.setup)
    assert issubclass(ReplyQueueExpiredWithPendingReplies, Exception)


def test_replies_are_still_published_as_the_unconfirmed_responder_expects():
    # TolerantRpcConsumer.handle_result is nameko's, with another Responder: the same steps in the same order.
    assert source(rpc.RpcConsumer.handle_result).index("responder.send_response(") < \
        source(rpc.RpcConsumer.handle_result).index("self.consumer.ack_message(message)")
    assert parameters(rpc.Responder) == ["amqp_uri", "exchange", "message", "ssl", "login_method"]
    assert parameters(rpc.Responder.send_response) == ["self", "result", "exc_info"]
    assert "self.publisher_cls(" in source(rpc.Responder.send_response)
    assert publish.Publisher.use_confirms is True and "self.use_confirms" in source(publish.Publisher.publish)
    assert compat.UnconfirmedReplies.publisher_cls.use_confirms is False


def test_what_health_probes_and_settings_rely_on_is_still_there():
    # health.ping_services rebuilds the client with a per-call expiration.
    client = rpc.Client("publish", "register", {"k": "v"})
    assert (client.publish, client.register_for_reply, client.context_data) == ("publish", "register", {"k": "v"})
    assert "kwargs.pop('expiration', self.expiration)" in source(publish.Publisher.publish)
    # SettingTimer sets the interval in setup; the loop reads it when it starts.
    assert parameters(Timer.__init__)[:3] == ["self", "interval", "eager"] and "self.interval" in source(Timer._run)
    assert "cls(*args, **kwargs)" in source(Extension.bind)  # a bound extension is built anew from its arguments


def test_what_the_gateway_web_server_overrides_is_still_there():
    assert "reuse_port" in inspect.signature(eventlet.listen).parameters
    for name in ("get_wsgi_server", "get_wsgi_app", "run", "process_request", "context_data_from_headers"):
        assert callable(getattr(WebServer, name))
    assert {"_starting", "_sock", "_serv", "_gt"} <= set(source(WebServer.start).replace("self.", " ").split())
    assert parameters(WebServer.process_request) == ["self", "sock", "address"]
    assert parameters(HttpRequestHandler.response_from_exception) == ["self", "exc"]
    assert parameters(HttpRequestHandler.get_entrypoint_parameters) == ["self", "request"]


# Each shim at work.

def message_on(connection, failure):
    def settle():
        raise failure
    return SimpleNamespace(channel=SimpleNamespace(connection=connection), delivery_tag=7, ack=settle, requeue=settle)


CONNECTED = SimpleNamespace(connected=True)


@pytest.mark.parametrize("failure, connection", [
    (ConnectionResetError(errno.ECONNRESET, "reset"), CONNECTED),
    (BrokenPipeError(errno.EPIPE, "broken pipe"), CONNECTED),
    (OSError(errno.EBADF, "bad file descriptor"), CONNECTED),
    (OSError("Socket closed"), SimpleNamespace(connected=False)),  # amqp's transport marked it dead
])
def test_settling_a_message_on_a_lost_connection_is_logged_and_ignored(failure, connection, caplog):
    consumer = compat.TolerantConsumer("memory://")
    consumer.ack_message(message_on(connection, failure))
    consumer.requeue_message(message_on(connection, failure))
    assert [record.levelname for record in caplog.records] == ["WARNING", "WARNING"]
    assert "connection is gone" in caplog.records[0].getMessage()


def test_any_other_failure_to_settle_a_message_is_raised():
    consumer = compat.TolerantConsumer("memory://")
    with pytest.raises(OSError):
        consumer.ack_message(message_on(CONNECTED, OSError(errno.ENOSPC, "no space left on device")))
    with pytest.raises(ValueError):
        consumer.requeue_message(message_on(CONNECTED, ValueError("not a connection problem")))


class Delivered:
    def __init__(self, channel, tag, failure=None):
        self.channel, self.delivery_tag, self.failure, self.acked = channel, tag, failure, []

    def ack(self, multiple=False):
        if self.failure:
            raise self.failure
        self.acked.append(multiple)


def test_a_batch_is_acknowledged_by_its_last_message_on_each_channel():
    first, second = (SimpleNamespace(connection=CONNECTED) for _ in range(2))
    messages = [Delivered(first, 1), Delivered(first, 2), Delivered(second, 1), Delivered(first, 3)]
    compat.TolerantConsumer("memory://").ack_through(messages)
    assert [message.acked for message in messages] == [[], [], [True], [True]]


def test_a_batch_on_a_lost_connection_is_logged_and_the_rest_acknowledged(caplog):
    closed, lost = SimpleNamespace(connection=None), SimpleNamespace(connection=SimpleNamespace(connected=False))
    alive = SimpleNamespace(connection=CONNECTED)
    messages = [Delivered(closed, 4), Delivered(lost, 9, OSError("Socket closed")), Delivered(alive, 1)]
    compat.TolerantConsumer("memory://").ack_through(messages)
    assert [message.acked for message in messages] == [[], [], [True]]
    assert "connection is gone" in caplog.records[0].getMessage()


def test_a_consumer_whose_connection_was_replaced_under_it_reconnects():
    consumer = compat.TolerantConsumer("memory://")
    consumer.on_iteration()  # not consuming yet: nothing to compare
    connection = SimpleNamespace(_connection=object())
    consumer.on_consume_ready(connection, None, [])
    assert consumer.ready.is_set()  # nameko's own on_consume_ready still ran
    consumer.on_iteration()
    connection._connection = object()  # kombu silently opened another one
    with pytest.raises(RecoverableConnectionError):
        consumer.on_iteration()


def test_a_reply_that_cannot_be_sent_does_not_kill_the_service(monkeypatch, caplog):
    def unreachable(self, result, exc_info):
        raise ConnectionRefusedError(errno.ECONNREFUSED, "refused")

    monkeypatch.setattr(rpc.Responder, "send_response", unreachable)
    message = SimpleNamespace(properties={"reply_to": "rpc.reply-gateway"})
    assert compat.TolerantRpcConsumer().handle_result(message, "result", None) == ("result", None)
    assert "rpc.reply-gateway" in caplog.records[-1].getMessage()


def test_callers_whose_replies_were_lost_get_a_503(monkeypatch):
    def lost(self):
        raise ReplyQueueExpiredWithPendingReplies("lost")

    monkeypatch.setattr(rpc.ReplyListener, "check_for_lost_replies", lost)
    listener, waiting = compat.TolerantReplyListener(), Event()
    listener.pending = {"correlation-1": waiting}
    listener.check_for_lost_replies()
    assert listener.pending == {}
    with pytest.raises(ServiceUnavailable):
        waiting.wait()


def test_an_rpc_client_is_handed_out_only_once_the_reply_queue_is_consumed(monkeypatch):
    steps = []
    monkeypatch.setattr(rpc.ClusterRpc, "get_dependency", lambda self, worker_ctx: steps.append("client") or "client")
    dependency = compat.ClusterRpc()
    dependency.reply_listener = SimpleNamespace(
        consumer=SimpleNamespace(wait_until_consumer_ready=lambda: steps.append("ready")))
    assert dependency.get_dependency(None) == "client" and steps == ["ready", "client"]


def test_the_services_use_the_shims_and_nameko_itself_is_left_as_it_is():
    assert isinstance(OwnedDataRpc.rpc_consumer, compat.TolerantRpcConsumer)
    assert compat.TolerantRpcConsumer.consumer_cls is compat.TolerantConsumer
    assert issubclass(compat.TolerantReplyListener.consumer_cls, compat.ToleratesLostConnections)
    assert isinstance(compat.ClusterRpc.reply_listener, compat.TolerantReplyListener)
    assert isinstance(compat.ServiceRpc.reply_listener, compat.TolerantReplyListener)
    for service_cls in (CatalogService, GatewayService):
        container = ServiceContainer(service_cls)
        handlers = [entrypoint for entrypoint in container.entrypoints if isinstance(entrypoint, events.EventHandler)]
        assert handlers and all(isinstance(handler, compat.TolerantEventHandler) for handler in handlers)
        rpcs = [entrypoint for entrypoint in container.entrypoints if isinstance(entrypoint, rpc.Rpc)]
        assert all(isinstance(entrypoint, OwnedDataRpc) for entrypoint in rpcs)
    assert Consumer.ack_message.__module__ == "nameko.amqp.consume"
    assert rpc.RpcConsumer.handle_result.__module__ == "nameko.rpc"
    assert not hasattr(Consumer, "_acks_tolerate_lost_connections")


@pytest.fixture(autouse=True)
def no_broker():
    from nameko import config
    with config.patch({"AMQP_URI": "memory://"}):  # containers are built, never started
        yield


def test_entrypoints_still_check_each_calls_arguments_through_check_signature():
    assert "self.check_signature(args, kwargs)" in source(HttpRequestHandler.handle_request)
    assert "self.check_signature(args, kwargs)" in source(rpc.Rpc.handle_message)
    # The shim binds the arguments as nameko does: to the class's method, with None for ``self``.
    assert "inspect.getcallargs(fn, service_instance, *args, **kwargs)" in source(Entrypoint.check_signature)


def test_a_call_with_arguments_its_method_does_not_take_is_refused_as_nameko_refuses_it():
    class Service:
        def book(self, session_id, data, *, waitlist=False):
            pass

        @with_visitor
        def page(self, request, visitor, entry_id):
            pass

    entrypoint = OwnedDataRpc()
    entrypoint.container, entrypoint.method_name = SimpleNamespace(service_cls=Service), "book"
    entrypoint.check_signature((7, {}), {})
    entrypoint.check_signature((7,), {"data": {}, "waitlist": True})
    for args, kwargs in (((7,), {}), ((7, {}, True), {}), ((7, {}), {"seats": 2})):
        with pytest.raises(IncorrectSignature):
            entrypoint.check_signature(args, kwargs)
    # A decorated handler is called with what its wrapper takes (here the request and the path values).
    entrypoint = OwnedDataRpc()
    entrypoint.container, entrypoint.method_name = SimpleNamespace(service_cls=Service), "page"
    entrypoint.check_signature(("request",), {"entry_id": 12})


def with_visitor(handler):
    @functools.wraps(handler)
    def wrapper(self, request, **path_values):
        return handler(self, request, "visitor", **path_values)
    return wrapper


def test_rpc_requests_and_replies_are_published_transient():
    assert "kwargs.pop('delivery_mode', self.delivery_mode)" in source(publish.Publisher.publish)
    assert "self.publisher_cls(" in source(rpc.ClusterRpc.setup)
    assert publish.Publisher.delivery_mode == 2  # nameko's default: persistent, written to disk by the broker
    for publisher_cls in (compat.ServiceRpc.publisher_cls, compat.ClusterRpc.publisher_cls,
                          compat.UnconfirmedReplies.publisher_cls):
        assert publisher_cls("memory://").delivery_mode == 1
