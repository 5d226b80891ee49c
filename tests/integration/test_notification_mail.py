"""Notifications by e-mail through an SMTP relay (a local aiosmtpd server): whoever has an address gets
what concerns them, once — not again when the read model is rebuilt and every notification re-made."""
import time
import uuid
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from application.running import RunningNetwork, eventually, free_port
from tests.integration.test_adoption import adopted_by_kopeysk


class Inbox:
    """An SMTP server's handler that keeps every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 OK"


@pytest.fixture
def inbox():
    handler, port = Inbox(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def mailing_network(tmp_path, inbox):
    running = RunningNetwork("sqlite", tmp_path, env={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(inbox.port),
                                                      "SMTP_FROM": "noreply@example.org"})
    try:
        yield running.start()
    finally:
        running.close()


def test_the_authors_city_methodist_is_mailed_an_adoption_once_even_after_a_rebuild(mailing_network, inbox):
    network = mailing_network
    username = f"methodist-mail-{uuid.uuid4().hex[:6]}"
    created = network.api("POST", "/api/v1/accounts", user="admin", json={
        "username": username, "password": "long-enough", "role": "methodist", "municipality": "magnitogorsk",
        "email": "metodist@magnitogorsk.example.org"})
    assert created.status_code == 201, created.text
    original_id, title, _ = adopted_by_kopeysk(network)

    def to_us():
        return [mail for mail in inbox.messages if mail["To"] == "metodist@magnitogorsk.example.org"]

    [mail] = eventually(to_us, timeout=20)
    assert mail["Subject"] == f"Практику «{title}» внедряет Копейск" and mail["From"] == "noreply@example.org"
    assert f"/practices/{original_id}#adoptions" in mail.get_content()
    # Demo accounts have no address: the approval told methodist-magnitogorsk on the site only.
    assert all(mail["To"] == "metodist@magnitogorsk.example.org" for mail in inbox.messages)

    network.rebuild_read_model()
    token = network.api("POST", "/api/v1/auth/token", json={"username": username, "password": "long-enough"})
    headers = {"Authorization": "Bearer " + token.json()["access_token"]}

    def remade():
        return network.api("GET", "/api/v1/notifications", headers=headers).json()["total"]

    assert eventually(remade, timeout=30)
    time.sleep(5)  # two rounds of the mailer after the notification was made again
    assert len(to_us()) == 1
