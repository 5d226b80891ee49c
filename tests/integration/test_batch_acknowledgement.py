"""A batch of events is acknowledged with one frame on the real broker: exactly its messages leave the
queue, and the ones delivered after it stay for the next batch."""
import uuid

import pytest
from kombu import Connection, Consumer, Queue

from shared import compat
from shared import config as settings


@pytest.mark.parametrize("batch_size, left", [(5, 0), (3, 2)])
def test_acknowledging_a_batch_settles_it_and_nothing_delivered_after_it(batch_size, left):
    name, uri = f"pn-test-batch-{uuid.uuid4().hex[:8]}", settings.load()["AMQP_URI"]
    with Connection(uri) as connection:
        queue = Queue(name, durable=False, auto_delete=False)
        producer = connection.Producer()
        for number in range(5):
            producer.publish({"n": number}, routing_key=name, declare=[queue], serializer="json")
        delivered = []
        with connection.channel() as channel:
            with Consumer(channel, [queue], callbacks=[lambda body, message: delivered.append(message)],
                          prefetch_count=10):
                while len(delivered) < 5:
                    connection.drain_events(timeout=5)
                compat.TolerantConsumer(uri).ack_through(delivered[:batch_size])
        # The channel is closed: what it left unacknowledged is back in the queue.
        with connection.channel() as channel:
            _, waiting, _ = queue(channel).queue_declare(passive=True)
            queue(channel).delete()
    assert waiting == left
