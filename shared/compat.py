"""Shims for the pinned nameko 3.0.0rc11 stack, all in one place (see pyproject.toml for the pins).

Each is a subclass of the nameko extension it corrects, used explicitly by our entrypoints and
dependencies (``shared.service.rpc``, ``event_handler`` below, ``ClusterRpc``/``ServiceRpc``); nothing
here changes nameko for anyone else. tests/unit/test_compat.py checks that every hook they override
still exists with the signature they expect, so an upgrade of nameko, kombu or eventlet fails there.

Acks after a broker restart: nameko acknowledges a message after its worker finishes and ignores a
failure only if it is amqp's ConnectionError. When RabbitMQ restarts mid-work the socket raises the
built-in ConnectionResetError/BrokenPipeError instead, which kills the whole service. The broker has
already requeued the message by then, so those errors (and only those) are logged and ignored
(``ToleratesLostConnections``).

Replies lost in a broker restart: see ``TolerantReplyListener`` (the caller's side) and
``TolerantRpcConsumer`` (the service's side: a reply that cannot be published while the broker is
away must not kill the service; the caller answers 503 and the broker redelivers the request).

RPC messages are transient: nameko publishes requests and replies persistent, so the broker writes each
to disk on the way through durable queues. A request or a reply that outlived a broker restart would
find no caller waiting (it was answered 503 when the connection dropped) and a request would then be
carried out after its caller was told it failed; commands are safe to repeat, so nothing is lost.

Replies not confirmed: nameko waits for the broker to confirm each RPC reply, a round trip per call
on the service's side. The confirm protects nothing the caller relies on: the call's transaction has
committed before the reply is sent, and a reply the broker does not take is lost for the caller
either way (it answers 503 or times out; it never learns the outcome from a confirm). Requests keep
their confirms: that is how a call to a stopped service fails at once (``UnknownService``).

Consumers that stop consuming after a broker restart: kombu's ``Connection.connection`` property
silently opens a new AMQP connection when it finds the old one dead (celery/kombu#220). A consumer
whose socket died that way keeps draining the new, empty connection: no channel, no consumer, no
error, so it never receives another message (seen as the gateway's RPC replies piling up in its
reply queue after ``rabbitmqctl stop_app; start_app``). ``ToleratesLostConnections.on_iteration``
turns the replacement into a connection error, and kombu's ConsumerMixin then reconnects and
consumes again.

RPC before the reply queue exists: nameko starts every extension of a container at once, so an HTTP
request or a timer can make an RPC call before the shared reply listener has declared its queue. On
its first connection the listener then finds "pending replies" for a queue that is not there yet and
kills the whole container (``ReplyQueueExpiredWithPendingReplies``). These RPC dependencies wait for
the reply consumer to be ready before handing out a client; after start-up the wait is free.

The reply queue declared again before every RPC call: nameko's RPC client declares its reply queue
with each request, and kombu caches no declaration of a queue with ``x-expires`` (it may have expired),
so every call cost two more round trips to the broker (queue.declare, queue.bind) before the request
itself. A reply queue expires only when no consumer has used it for ``RPC_REPLY_QUEUE_TTL``; ours is
consumed as long as the process lives, so once per connection is enough (``ReplyQueue``). kombu clears
its cache when the connection is re-established, so after a broker restart the first call declares
the queue again, as before.

Arguments checked against a signature built once: nameko checks every call's arguments with
``inspect.getcallargs``, which builds the method's signature anew each time, 9 % of an HTTP worker's CPU
in a booking rush (``SignatureCheckedOnce``).
"""
import errno
import functools
import inspect
import logging

from amqp.exceptions import RecoverableConnectionError
from kombu import Queue
from kombu.exceptions import OperationalError
from nameko import config, events, rpc
from nameko.amqp import publish
from nameko.amqp.consume import Consumer
from nameko.constants import AMQP_SSL_CONFIG_KEY, LOGIN_METHOD_CONFIG_KEY, NON_PERSISTENT
from nameko.exceptions import IncorrectSignature, ReplyQueueExpiredWithPendingReplies

from shared.errors import ServiceUnavailable

log = logging.getLogger(__name__)

# What a socket says when the connection under it is already closed (besides ConnectionError's resets).
GONE_ERRNOS = frozenset((errno.EBADF, errno.ENOTCONN))


def connection_gone(exc, channel):
    """Whether ``exc``, raised settling a message of ``channel``, means the broker connection is gone
    (reset, closed, or marked dead by amqp's transport) rather than any other failure."""
    if isinstance(exc, ConnectionError) or getattr(exc, "errno", None) in GONE_ERRNOS:
        return True
    connection = getattr(channel, "connection", None)
    return connection is None or not connection.connected


class SignatureCheckedOnce:
    """Entrypoint mixin: nameko's ``check_signature`` with the method's signature built once per entrypoint."""

    @functools.cached_property
    def signature(self):
        # Not followed through functools.wraps: a decorated handler takes what its wrapper takes.
        return inspect.signature(getattr(self.container.service_cls, self.method_name), follow_wrapped=False)

    def check_signature(self, args, kwargs):
        try:
            self.signature.bind(None, *args, **kwargs)  # None: the method is the class's, unbound
        except TypeError as exc:
            raise IncorrectSignature(str(exc)) from None


class ToleratesLostConnections:
    """For nameko's AMQP consumers (``nameko.amqp.consume.Consumer`` and its subclasses)."""

    def ack_message(self, message):
        self._settle(super().ack_message, message)

    def requeue_message(self, message):
        self._settle(super().requeue_message, message)

    def ack_through(self, messages):
        """Acknowledge ``messages``, given in the order they were delivered, with one frame per channel:
        AMQP's ``multiple`` covers every earlier delivery of the channel, which are these and those
        acknowledged before (batches are settled in order). One by one they cost the projector 8 % of its CPU."""
        last_on_channel = {id(message.channel): message for message in messages}
        for message in last_on_channel.values():
            self._settle(self._ack_multiple, message)

    @staticmethod
    def _ack_multiple(message):
        if message.channel.connection:  # as nameko's ack_message: a closed channel's were requeued already
            message.ack(multiple=True)

    @staticmethod
    def _settle(settle, message):
        try:
            settle(message)
        except OSError as exc:
            if not connection_gone(exc, message.channel):
                raise
            # The broker requeues an unacknowledged message of a lost connection itself.
            log.warning("message %s not settled, the broker connection is gone: %r",
                        message.delivery_tag, exc)

    def on_consume_ready(self, connection, channel, consumers, **kwargs):
        self._consuming_on = (connection, connection._connection)
        super().on_consume_ready(connection, channel, consumers, **kwargs)

    def on_iteration(self):
        """Called by kombu before each drain: a connection other than the remembered one means a replaced one."""
        connection, established = getattr(self, "_consuming_on", (None, None))
        if connection is not None and connection._connection is not established:
            raise RecoverableConnectionError("the connection was replaced under the consumer")


class TolerantConsumer(ToleratesLostConnections, Consumer):
    pass


class TransientPublisher(publish.Publisher):
    """Publishes messages the broker keeps in memory only (see the module's docstring)."""

    delivery_mode = NON_PERSISTENT


class UnconfirmedReplies(rpc.Responder):
    """Publishes an RPC reply without waiting for the broker's confirm (see the module's docstring)."""

    class publisher_cls(TransientPublisher):  # noqa: N801  (nameko's attribute name)
        use_confirms = False


class TolerantRpcConsumer(rpc.RpcConsumer):
    """The owning services' RPC consumer (``shared.service.OwnedDataRpc``): nameko's ``handle_result``
    with replies that are not confirmed, and that cannot kill the service."""

    consumer_cls = TolerantConsumer

    def handle_result(self, message, result, exc_info):
        ssl, login_method = config.get(AMQP_SSL_CONFIG_KEY), config.get(LOGIN_METHOD_CONFIG_KEY)
        exchange = rpc.get_rpc_exchange()
        responder = UnconfirmedReplies(self.amqp_uri, exchange, message, ssl=ssl, login_method=login_method)
        try:
            result, exc_info = responder.send_response(result, exc_info)
        except (OSError, OperationalError):
            log.warning("reply to %s not sent: the broker is unreachable", message.properties.get("reply_to"))
            return result, exc_info
        self.consumer.ack_message(message)
        return result, exc_info


class TolerantEventHandler(events.EventHandler):
    consumer_cls = TolerantConsumer


event_handler = TolerantEventHandler.decorator


class TolerantReplyListener(rpc.ReplyListener):
    """When RabbitMQ restarts, the reply queue (not durable) is gone with any replies in flight.
    nameko then kills the service; here the callers waiting for those replies get a 503 instead."""

    class ReplyConsumer(ToleratesLostConnections, rpc.ReplyListener.ReplyConsumer):
        pass

    consumer_cls = ReplyConsumer

    def check_for_lost_replies(self):
        try:
            super().check_for_lost_replies()
        except ReplyQueueExpiredWithPendingReplies:
            lost, self.pending = self.pending, {}
            for reply in lost.values():
                reply.send_exception(ServiceUnavailable("Связь с брокером сообщений прервалась, повторите запрос"))


class ReplyQueue(Queue):
    """A reply queue whose declaration kombu caches for the life of a connection."""

    can_cache_declaration = True


def declared_once_per_connection(queue):
    return ReplyQueue(queue.name, exchange=queue.exchange, routing_key=queue.routing_key,
                      queue_arguments=queue.queue_arguments)


class WaitForReplyQueue:
    publisher_cls = TransientPublisher
    reply_listener = TolerantReplyListener()

    def setup(self):
        super().setup()
        self.publisher.declare = [declared_once_per_connection(queue) for queue in self.publisher.declare]

    def get_dependency(self, worker_ctx):
        self.reply_listener.consumer.wait_until_consumer_ready()
        return super().get_dependency(worker_ctx)


class ClusterRpc(WaitForReplyQueue, rpc.ClusterRpc):
    pass


class ServiceRpc(WaitForReplyQueue, rpc.ServiceRpc):
    pass
