"""Waiting for what the network does a moment later: the read models learn of every write by events."""
import time


def eventually(check, timeout=10, interval=0.1):
    """Retry ``check`` until it returns a truthy value (read models are updated by events)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)
