"""Shims for the pinned nameko 3.0.0rc11 stack, all in one place (see pyproject.toml for the pins).

RPC before the reply queue exists: nameko starts every extension of a container at once, so an HTTP
request or a timer can make an RPC call before the shared reply listener has declared its queue. On
its first connection the listener then finds "pending replies" for a queue that is not there yet and
kills the whole container (``ReplyQueueExpiredWithPendingReplies``). These RPC dependencies wait for
the reply consumer to be ready before handing out a client; after start-up the wait is free.
"""
from nameko import rpc


class WaitForReplyQueue:
    def get_dependency(self, worker_ctx):
        self.reply_listener.consumer.wait_until_consumer_ready()
        return super().get_dependency(worker_ctx)


class ClusterRpc(WaitForReplyQueue, rpc.ClusterRpc):
    pass


class ServiceRpc(WaitForReplyQueue, rpc.ServiceRpc):
    pass
