"""RPC from the gateway to the owning services, with a deadline.

A command to a service that is down must not hang the HTTP request: after ``RPC_TIMEOUT_SECONDS``
the caller gets 503 naming the service. The request also expires in the broker at that moment, so a
service that comes back later does not carry out a command whose caller was already told it failed.
"""
import eventlet
from nameko.exceptions import UnknownService

from shared.compat import ServiceRpc
from shared.config import setting
from shared.errors import ServiceUnavailable


class TimedServiceRpc(ServiceRpc):
    """``timeout`` seconds, or ``RPC_TIMEOUT_SECONDS`` of the configuration when the container sets up."""

    def __init__(self, target_service, timeout=None):
        self.given_timeout = self.timeout = timeout
        super().__init__(target_service)

    def setup(self):
        self.timeout = self.given_timeout or setting("RPC_TIMEOUT_SECONDS", 30)
        self.publisher_options["expiration"] = self.timeout
        super().setup()

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
