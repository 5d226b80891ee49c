"""RPC from the gateway to the owning services, with a deadline.

A command to a service that is down must not hang the HTTP request: after ``RPC_TIMEOUT_SECONDS``
the caller gets 503 naming the service. The request also expires in the broker at that moment, so a
service that comes back later does not carry out a command whose caller was already told it failed.
"""
import eventlet
from nameko import config
from nameko.exceptions import UnknownService

from shared.compat import ServiceRpc
from shared.errors import ServiceUnavailable


class TimedServiceRpc(ServiceRpc):
    def __init__(self, target_service, timeout=None):
        self.timeout = timeout or config.get("RPC_TIMEOUT_SECONDS", 30)
        super().__init__(target_service, expiration=self.timeout)

    def get_dependency(self, worker_ctx):
        return TimedClient(super().get_dependency(worker_ctx), self.target_service, self.timeout)


class TimedClient:
    def __init__(self, client, service_name, timeout):
        self.client, self.service_name, self.timeout = client, service_name, timeout

    def __getattr__(self, method_name):
        method = getattr(self.client, method_name)

        def call(*args, **kwargs):
            try:
                reply = method.call_async(*args, **kwargs)
                with eventlet.Timeout(self.timeout):
                    return reply.result()
            except (UnknownService, eventlet.Timeout):
                raise ServiceUnavailable(
                    f"Сервис «{self.service_name}» не ответил за {self.timeout} с, попробуйте позже") from None

        return call
