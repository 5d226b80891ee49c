"""What makes one installation of the network its own: its secrets, its identity and its broker namespace.

``practice-network run`` (and the tests' launcher) keeps them in ``VAR_DIR/secrets/``, generated on the
first start when the environment gives none, and hands them to every process it starts. Nothing in the
repository is ever a signing key: a missing or placeholder secret stops a process before it serves.
"""
import os
import re
import secrets
import subprocess
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import requests
from kombu import Connection
from nameko.extensions import DependencyProvider

# Generated values: a signing key of 64 random bytes, an identity short enough for a vhost name.
GENERATED = {"JWT_SECRET": lambda: secrets.token_urlsafe(64),
             "DIPLOMA_SECRET": lambda: secrets.token_urlsafe(64),
             "INSTALLATION_ID": lambda: secrets.token_hex(6)}
SIGNING_KEYS = ("JWT_SECRET", "DIPLOMA_SECRET")
MIN_SECRET_LENGTH = 32
# Words of the placeholders found in sample files and documentation (ours and everyone else's).
PLACEHOLDER = re.compile(r"change.?me|insecure|placeholder|example|default|replace|secret|password|^x+$", re.I)
VHOST_PREFIX = "practice-network-"
IDENTITY = re.compile(r"[A-Za-z0-9_.-]{1,40}")


class InstallationError(RuntimeError):
    """The installation cannot start as configured; the message says why, in Russian."""


def secrets_dir(config):
    return Path(config.get("VAR_DIR") or "var").resolve() / "secrets"


def unusable_reason(name, value):
    """Why ``value`` cannot be the signing key ``name`` (None when it can)."""
    if not value:
        return f"{name} не задан"
    if len(value) < MIN_SECRET_LENGTH:
        return f"{name} короче {MIN_SECRET_LENGTH} символов"
    if PLACEHOLDER.search(value):
        return f"{name} похож на значение-заглушку из образца настроек"
    return None


def settings(config):
    """``{JWT_SECRET, DIPLOMA_SECRET, INSTALLATION_ID}`` of this installation: each from the
    configuration when it is set there, else from ``VAR_DIR/secrets/<name>`` (written on the first call).
    Raises InstallationError for a placeholder secret or a directory it cannot write."""
    values = {}
    for name, generate in GENERATED.items():
        value = config.get(name) or _kept(secrets_dir(config), name.lower(), generate)
        if name == "INSTALLATION_ID" and not IDENTITY.fullmatch(value):
            raise InstallationError("INSTALLATION_ID может содержать только латинские буквы, цифры, «-», «_» "
                                    "и «.» (до 40 знаков): из него складывается имя виртуального хоста RabbitMQ")
        if name in SIGNING_KEYS and (reason := unusable_reason(name, value)):
            raise InstallationError(f"{reason}. Задайте длинную случайную строку (например, "
                                    f"openssl rand -base64 48) или уберите {name}, чтобы ключ создался сам.")
        values[name] = value
    return values


def _kept(directory, file_name, generate):
    """The value kept in ``directory/file_name``; created readable by the owner only if absent."""
    path = directory / file_name
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(directory, 0o700)
        # O_EXCL: of two first starts at once, one writes and the other reads what it wrote.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
        raise InstallationError(f"Файл {path} пуст: удалите его, и значение создастся заново") from None
    except OSError as error:
        raise InstallationError(f"Не удалось создать {path}: {error.strerror}. Задайте "
                                f"{file_name.upper()} в окружении или дайте право записи в {directory}") from None
    value = generate()
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(value + "\n")
    return value


def own_vhost_uri(base_uri, installation_id):
    """``base_uri`` with this installation's virtual host, created on the broker if it is not there."""
    parts = urlsplit(base_uri)
    vhost = VHOST_PREFIX + installation_id
    user, password = unquote(parts.username or "guest"), unquote(parts.password or "guest")
    uri = urlunsplit(parts._replace(path="/" + quote(vhost, safe="")))
    if not _create_vhost(parts.hostname or "127.0.0.1", vhost, user, password) and not broker_answers(uri):
        raise InstallationError(
            f"Не удалось создать виртуальный хост RabbitMQ «{vhost}» (нет доступа к rabbitmqctl и к HTTP API "
            f"управления). Создайте его и дайте права пользователю {user} (rabbitmqctl add_vhost {vhost}; "
            f"rabbitmqctl set_permissions -p {vhost} {user} '.*' '.*' '.*') или задайте AMQP_URI явно.")
    return uri


def broker_answers(uri):
    """RabbitMQ answers at ``uri``, its vhost exists and the user may use it."""
    try:
        with Connection(uri, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1)
        return True
    except Exception:  # kombu raises a variety of socket and AMQP errors here
        return False


def broker_vhost(uri):
    """The virtual host named by an AMQP URI ("/" when it names none)."""
    return unquote(urlsplit(uri).path[1:]) or "/"


def _create_vhost(host, vhost, user, password):
    """By rabbitmqctl on this machine, or else by the management HTTP API; True when it exists."""
    commands = (["rabbitmqctl", "-q", "add_vhost", vhost],
                ["rabbitmqctl", "-q", "set_permissions", "-p", vhost, user, ".*", ".*", ".*"])
    if host in ("127.0.0.1", "localhost", "::1") and all(_succeeds(command) for command in commands):
        return True
    api = f"http://{host}:15672/api"
    try:
        requests.put(f"{api}/vhosts/{quote(vhost, safe='')}", auth=(user, password), timeout=5).raise_for_status()
        requests.put(f"{api}/permissions/{quote(vhost, safe='')}/{quote(user, safe='')}", auth=(user, password),
                     json={"configure": ".*", "write": ".*", "read": ".*"}, timeout=5).raise_for_status()
        return True
    except requests.RequestException:
        return False


def _succeeds(command):
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    # A vhost that is already there is what we wanted.
    return done.returncode == 0 or "already exists" in (done.stderr + done.stdout)


class InstallationSettings(DependencyProvider):
    """Stops a service at start when it has no usable signing keys or no installation identity:
    a process that signs with a key anyone can read must not serve at all."""

    def setup(self):
        problems = [reason for name in SIGNING_KEYS
                    if (reason := unusable_reason(name, self.container.config.get(name)))]
        if not self.container.config.get("INSTALLATION_ID"):
            problems.append("INSTALLATION_ID не задан")
        if problems:
            raise InstallationError(
                f"Сервис «{self.container.service_name}» не запущен: {'; '.join(problems)}. "
                "practice-network run создаёт ключи сам; при запуске иначе задайте их в окружении.")
