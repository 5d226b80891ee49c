"""The one configuration loader.

Services started by ``nameko run --config deploy/config.yaml`` get these values in ``nameko.config``;
everything else (the CLI, migrations, tests) calls :func:`load`. Both read the same file with the same
``${ENV_VAR:default}`` substitution, so a setting means the same thing everywhere.

A service reads its settings when its container starts (:func:`setting` from an extension's
``setup``, :class:`SettingTimer` for an interval), never at import: a class body runs once, perhaps
before the configuration is known, and would keep what it found then.
"""
import os
from pathlib import Path

from nameko import config as running_config
from nameko.cli.utils.config import load_config
from nameko.timer import Timer

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIG_PATH = Path(os.environ.get("PRACTICE_NETWORK_CONFIG", REPO_ROOT / "deploy" / "config.yaml"))
SERVICES = ("catalog", "practices", "festivals")


def load(path=CONFIG_PATH):
    with open(path, encoding="utf-8") as config_file:
        return load_config(config_file)


def database_url(config, service_name):
    """The SQLAlchemy URL of one service's own database."""
    url = (config.get("DATABASES") or {}).get(service_name)
    if url:
        # Earlier releases documented pg8000's URLs; installations configured that way keep working.
        return url.replace("postgresql+pg8000://", "postgresql+psycopg2://", 1)
    var_dir = Path(config.get("VAR_DIR") or "var").resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{var_dir / service_name}.db"


def gateway_base_url(config, replica=1):
    """Where replica ``replica`` of the gateway answers: replicas on one machine take the next ports."""
    host, port = config["WEB_SERVER_ADDRESS"].rsplit(":", 1)
    return f"http://{host}:{int(port) + replica - 1}"


def public_base_url(config):
    """The address people open the site at (``PUBLIC_BASE_URL``; empty: the gateway's own), for links
    that leave the site: e-mails, QR codes on diplomas."""
    return (config.get("PUBLIC_BASE_URL") or gateway_base_url(config)).rstrip("/")


def replica_database_url(url, replica):
    """The read model of gateway replica ``replica``: the first one's database, numbered."""
    if replica == 1:
        return url
    base, name = url.rsplit("/", 1)
    if url.startswith("sqlite"):
        return f"{base}/{name.removesuffix('.db')}-{replica}.db"
    return f"{base}/{name}_{replica}"


def setting(key, default, cast=float):
    """``key`` of the running service's configuration, as it is now."""
    return cast(running_config.get(key, default))


class SettingTimer(Timer):
    """A nameko timer firing every ``key`` seconds of the configuration, read when the container sets
    up: ``@SettingTimer.decorator("OUTBOX_RELAY_INTERVAL", 0.1)``."""

    def __init__(self, key, default, eager=False, **kwargs):
        self.key, self.default = key, default
        super().__init__(interval=None, eager=eager, **kwargs)

    def setup(self):
        self.interval = setting(self.key, self.default)
        super().setup()


every = SettingTimer.decorator
