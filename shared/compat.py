"""Shims for the pinned nameko 3.0.0rc11 stack, all in one place (see pyproject.toml for the pins).

Acks after a broker restart: nameko acknowledges a message after its worker finishes and ignores a
failure only if it is amqp's ConnectionError. When RabbitMQ restarts mid-work the socket raises the
built-in ConnectionResetError/BrokenPipeError instead, which kills the whole service. The broker has
already requeued the message by then, so those errors are ignored the same way (``_ignoring_lost_connection``).

Replies lost in a broker restart: see ``TolerantReplyListener`` (the caller's side) and
``_giving_up_on_unsendable_replies`` (the service's side: a reply that cannot be published while the
broker is away must not kill the service; the caller answers 503 and the broker redelivers the request).

Consumers that stop consuming after a broker restart: kombu's ``Connection.connection`` property
silently opens a new AMQP connection when it finds the old one dead (celery/kombu#220). A consumer
whose socket died that way keeps draining the new, empty connection: no channel, no consumer, no
error, so it never receives another message (seen as the gateway's RPC replies piling up in its
reply queue after ``rabbitmqctl stop_app; start_app``). ``_noticing_a_replaced_connection`` turns the
replacement into a connection error, and kombu's ConsumerMixin then reconnects and consumes again.

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
"""
import logging

from amqp.exceptions import RecoverableConnectionError
from kombu import Queue
from kombu.exceptions import OperationalError
from nameko import rpc
from nameko.amqp.consume import Consumer
from nameko.exceptions import ReplyQueueExpiredWithPendingReplies

from shared.errors import ServiceUnavailable

log = logging.getLogger(__name__)


class TolerantReplyListener(rpc.ReplyListener):
    """When RabbitMQ restarts, the reply queue (not durable) is gone with any replies in flight.
    nameko then kills the service; here the callers waiting for those replies get a 503 instead."""

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


def _ignoring_lost_connection(method):
    def safely(self, message):
        try:
            method(self, message)
        except OSError:  # the connection died: the broker redelivers the message itself
            pass

    safely.__name__ = method.__name__
    return safely


def _giving_up_on_unsendable_replies(handle_result):
    def handle(self, message, result, exc_info):
        try:
            return handle_result(self, message, result, exc_info)
        except (OSError, OperationalError):
            log.warning("reply to %s not sent: the broker is unreachable", message.properties.get("reply_to"))
            return result, exc_info

    return handle


def _remembering_the_connection(on_consume_ready):
    def on_ready(self, connection, channel, consumers, **kwargs):
        self._consuming_on = (connection, connection._connection)
        on_consume_ready(self, connection, channel, consumers, **kwargs)

    return on_ready


def _noticing_a_replaced_connection(self):
    """Called by kombu before each drain: a connection other than the remembered one means a replaced one."""
    connection, established = getattr(self, "_consuming_on", (None, None))
    if connection is not None and connection._connection is not established:
        raise RecoverableConnectionError("the connection was replaced under the consumer")


if not getattr(Consumer, "_acks_tolerate_lost_connections", False):
    rpc.RpcConsumer.handle_result = _giving_up_on_unsendable_replies(rpc.RpcConsumer.handle_result)
    Consumer.ack_message = _ignoring_lost_connection(Consumer.ack_message)
    Consumer.requeue_message = _ignoring_lost_connection(Consumer.requeue_message)
    Consumer.on_consume_ready = _remembering_the_connection(Consumer.on_consume_ready)
    Consumer.on_iteration = _noticing_a_replaced_connection
    Consumer._acks_tolerate_lost_connections = True
