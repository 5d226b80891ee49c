"""The RPC client declares its reply queue once per broker connection, not before every call
(shared/compat.py): kombu's hook for that must still exist, so an upgrade fails here, loudly."""
from kombu import Exchange, Queue

from shared.compat import ReplyQueue, declared_once_per_connection


def test_kombu_still_refuses_to_cache_an_expiring_queue_and_lets_a_subclass_say_otherwise():
    nameko_reply_queue = Queue("rpc.reply-gateway-1", exchange=Exchange("nameko-rpc"), routing_key="1",
                               queue_arguments={"x-expires": 300000})
    assert nameko_reply_queue.can_cache_declaration is False  # why every call declared it again
    ours = declared_once_per_connection(nameko_reply_queue)
    assert isinstance(ours, ReplyQueue) and ours.can_cache_declaration is True
    assert (ours.name, ours.routing_key, ours.exchange.name, ours.queue_arguments) == (
        "rpc.reply-gateway-1", "1", "nameko-rpc", {"x-expires": 300000})
    assert hash(ours) == hash(nameko_reply_queue)  # kombu's cache knows them by name
