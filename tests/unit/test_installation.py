"""An installation's own keys, identity, ports and broker namespace (shared/installation.py, the launcher)."""
import socket
import stat
from contextlib import ExitStack
from types import SimpleNamespace
from unittest import mock

import pytest
from nameko import config

from application.launcher import claim, free_ports
from shared.errors import ValidationFailed
from shared.events import make_envelope, open_envelope, stamped
from shared.installation import InstallationError, InstallationSettings, own_vhost_uri, settings

OLD_CONSTANT = "insecure-development-secret-change-me"


def test_the_first_start_generates_keys_readable_by_the_owner_only_and_the_next_reuses_them(tmp_path):
    first = settings({"VAR_DIR": str(tmp_path)})
    secrets = tmp_path / "secrets"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o700
    for name in ("jwt_secret", "diploma_secret", "installation_id"):
        assert stat.S_IMODE((secrets / name).stat().st_mode) == 0o600
    assert first["JWT_SECRET"] != first["DIPLOMA_SECRET"] and len(first["JWT_SECRET"]) >= 64
    assert settings({"VAR_DIR": str(tmp_path)}) == first
    assert settings({"VAR_DIR": str(tmp_path / "other")})["INSTALLATION_ID"] != first["INSTALLATION_ID"]


def test_keys_set_in_the_environment_win_and_placeholders_are_refused(tmp_path):
    given = "k" * 20 + "7f3a9c0e1b2d4f6a8c9e"
    assert settings({"VAR_DIR": str(tmp_path), "JWT_SECRET": given})["JWT_SECRET"] == given
    for placeholder in (OLD_CONSTANT, "change-me-a-long-random-string", "short"):
        with pytest.raises(InstallationError, match="JWT_SECRET"):
            settings({"VAR_DIR": str(tmp_path), "JWT_SECRET": placeholder})
    with pytest.raises(InstallationError, match="INSTALLATION_ID"):
        settings({"VAR_DIR": str(tmp_path), "INSTALLATION_ID": "../x y"})


def test_no_place_for_the_keys_refuses_to_start_in_russian(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(InstallationError, match="Не удалось создать"):
        settings({"VAR_DIR": str(tmp_path / "file" / "var")})


def test_a_service_without_usable_keys_does_not_start():
    def setup(service_config):
        guard = InstallationSettings()
        guard.container = SimpleNamespace(config=service_config, service_name="catalog")
        guard.setup()

    with pytest.raises(InstallationError, match="JWT_SECRET похож на значение-заглушку"):
        setup({"JWT_SECRET": OLD_CONSTANT, "DIPLOMA_SECRET": "d" * 10 + "9a8b7c6d5e4f3a2b1c0d9e", "INSTALLATION_ID": "a"})
    with pytest.raises(InstallationError, match="DIPLOMA_SECRET не задан.*INSTALLATION_ID не задан"):
        setup({"JWT_SECRET": "j" * 10 + "9a8b7c6d5e4f3a2b1c0d9e"})
    setup({"JWT_SECRET": "j" * 10 + "9a8b7c6d5e4f3a2b1c0d9e", "DIPLOMA_SECRET": "d" * 10 + "9a8b7c6d5e4f3a2b1c0d9e",
           "INSTALLATION_ID": "a"})


def test_a_second_run_of_the_same_installation_is_refused_naming_the_first(tmp_path):
    first = claim({"VAR_DIR": str(tmp_path)})
    first.write('{"pid": 4242, "addresses": ["http://127.0.0.1:8000"]}')
    first.flush()
    with pytest.raises(InstallationError, match="уже запущена: процесс 4242, http://127.0.0.1:8000"):
        claim({"VAR_DIR": str(tmp_path)})
    first.close()
    claim({"VAR_DIR": str(tmp_path)}).close()  # once the first has stopped


def listening(port):
    sock = socket.socket()
    sock.bind(("127.0.0.1", port))
    sock.listen()
    return sock


def ports_config(gateway, metrics):
    return {"WEB_SERVER_ADDRESS": f"127.0.0.1:{gateway}", "METRICS_HOST": "127.0.0.1",
            "METRICS_PORTS": {"catalog": metrics, "practices": metrics + 1, "festivals": 0}}


def test_default_ports_taken_by_another_installation_move_together(monkeypatch):
    for name in ("GATEWAY_PORT", "CATALOG_METRICS_PORT", "PRACTICES_METRICS_PORT"):
        monkeypatch.delenv(name, raising=False)
    assert free_ports(ports_config(28400, 28500), 1) == {
        "GATEWAY_PORT": "28400", "CATALOG_METRICS_PORT": "28500", "PRACTICES_METRICS_PORT": "28501"}
    with ExitStack() as stack:
        stack.enter_context(listening(28400))
        assert free_ports(ports_config(28400, 28500), 1) == {
            "GATEWAY_PORT": "28410", "CATALOG_METRICS_PORT": "28600", "PRACTICES_METRICS_PORT": "28601"}
        # A second replica's port (one above) taken moves them too.
        assert free_ports(ports_config(28399, 28500), 2)["GATEWAY_PORT"] == "28409"


def test_a_port_set_explicitly_and_taken_is_refused(monkeypatch):
    monkeypatch.setenv("GATEWAY_PORT", "28420")
    with listening(28420), pytest.raises(InstallationError, match="Порт 28420 .GATEWAY_PORT. на 127.0.0.1 занят"):
        free_ports(ports_config(28420, 28520), 1)


def test_an_event_of_another_installation_is_refused_and_one_of_this_or_of_a_log_accepted():
    envelope = make_envelope("token_revoked", {"token_id": "t", "username": "admin",
                                               "expires_at": "2030-01-01T00:00:00+00:00"})
    with config.patch({"INSTALLATION_ID": "other"}):
        foreign = stamped(envelope)
    with config.patch({"INSTALLATION_ID": "ours"}):
        assert open_envelope("token_revoked", stamped(envelope))[1]["token_id"] == "t"
        assert open_envelope("token_revoked", envelope)[1]["token_id"] == "t"  # read from an owner's log
        with mock.patch("shared.events.log") as log, pytest.raises(ValidationFailed) as refused:
            open_envelope("token_revoked", foreign)
    assert "другой установки" in refused.value.message and refused.value.fields == {"installation": ["Чужая установка"]}
    assert log.error.called


def test_the_stamp_is_not_stored_in_the_outbox_envelope():
    envelope = make_envelope("token_revoked", {"token_id": "t", "username": "admin",
                                               "expires_at": "2030-01-01T00:00:00+00:00"})
    with config.patch({"INSTALLATION_ID": "ours"}):
        assert stamped(envelope)["installation"] == "ours"
    assert "installation" not in envelope


def test_a_vhost_that_cannot_be_created_nor_opened_stops_the_start_with_the_commands_to_make_it():
    with mock.patch("shared.installation._create_vhost", return_value=False), \
            mock.patch("shared.installation.broker_answers", return_value=False), \
            pytest.raises(InstallationError, match="rabbitmqctl add_vhost practice-network-abc"):
        own_vhost_uri("pyamqp://guest:guest@127.0.0.1:5672/", "abc")
    with mock.patch("shared.installation._create_vhost", return_value=False), \
            mock.patch("shared.installation.broker_answers", return_value=True):
        assert own_vhost_uri("pyamqp://u:p@127.0.0.1:5672/", "abc") == "pyamqp://u:p@127.0.0.1:5672/practice-network-abc"
