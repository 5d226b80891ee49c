"""Events that cannot be handled are parked in a dead-letter queue, not retried forever.

A delivery whose payload fails validation, or whose handling fails for any reason other than the
database being unreachable, would fail the same way on every retry. It is published, with the reason,
the service and the handler, to the durable queue ``practice-network.dead-letters`` and acknowledged,
so the events behind it keep flowing. Operators read the queue in RabbitMQ (management UI or
``rabbitmqadmin get queue=practice-network.dead-letters``) and can publish a corrected event again.
An event that failed because the database was down is not parked: the owner's log brings it again
on the next catch-up (``shared/replay.py``).
"""
import logging
from datetime import UTC, datetime

from kombu import Exchange, Queue
from nameko.messaging import Publisher

from shared.metrics import EVENTS_PARKED

log = logging.getLogger(__name__)
DEAD_LETTERS = Exchange("practice-network.dead-letters", type="fanout", durable=True)
DEAD_LETTER_QUEUE = Queue("practice-network.dead-letters", exchange=DEAD_LETTERS, durable=True)


class DeadLetters(Publisher):
    """Gives a worker ``park(event_name, payload, error)``."""

    def __init__(self):
        super().__init__(exchange=DEAD_LETTERS, declare=[DEAD_LETTER_QUEUE])

    def get_dependency(self, worker_ctx):
        publish = super().get_dependency(worker_ctx)
        service = self.container.service_name

        def park(event_name, payload, error):
            log.error("event %s parked in %s: %s", event_name, DEAD_LETTER_QUEUE.name, error)
            EVENTS_PARKED.labels(service, event_name).inc()
            publish({"service": service, "handler": worker_ctx.entrypoint.method_name, "event": event_name,
                     "error": repr(error), "parked_at": datetime.now(UTC).isoformat(),
                     "payload": payload}, routing_key=event_name)

        return park
