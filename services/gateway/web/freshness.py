"""After a write, the page a form redirects to reads the read model, which the write's event reaches a
moment later: the form waits for it, so that the page shows what was just done (the seats just
booked, the resource just added) rather than what was there before."""
import eventlet

POLLS = 30  # at most 3 s; past that the page shows what the read model has, and the rest once it arrives


def await_projection(gateway, projected):
    """Wait until ``projected(session)`` is true of the read model (or the polls run out)."""
    for _ in range(POLLS):
        with gateway.read_model() as session:
            if projected(session):
                return
        eventlet.sleep(0.1)
