"""``practice-network``: migrate, load the demo network, run everything, rebuild the read model, back up
and restore."""
import argparse
import os
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from application import backup as backups
from application.demo import load_demo_content
from application.launcher import (
    BrokerMissing,
    Network,
    announce,
    claim,
    default_http_workers,
    ensure_broker,
    installation_env,
)
from services.catalog import first_admin
from shared import config as settings
from shared import installation
from shared.db import session_factory
from shared.installation import InstallationError, broker_vhost
from shared.migrations import new_revision, upgrade
from shared.wording import plural

DATABASES = (*settings.SERVICES, "gateway")


def migrate(config, only=DATABASES, replicas=1):
    """Bring every service's database to the newest schema and register installed cities."""
    from services.catalog.directory import register_installed_municipalities

    for name in only:
        upgrade(name, settings.database_url(config, name))
    if "gateway" in only:
        for replica in range(2, replicas + 1):
            upgrade("gateway", settings.replica_database_url(settings.database_url(config, "gateway"), replica))
    if "catalog" in only:
        register_installed_municipalities(session_factory(settings.database_url(config, "catalog")))


def load_demo(config):
    """Load the demo accounts of API.md; safe to repeat."""
    from services.catalog.demo import load_demo_accounts

    added = load_demo_accounts(session_factory(settings.database_url(config, "catalog")))
    print(f"Демо-сеть: добавлено учётных записей: {added}")


def rebuild_read_model(config):
    """Empty the gateway's read model; the running gateway refills it from the owners' event logs."""
    from services.gateway.projections import reset

    reset(session_factory(settings.database_url(config, "gateway")))
    print("Модель чтения очищена; шлюз восстановит её из журналов событий сервисов за несколько секунд.")


def backup(config, to=None):
    """Save every service's database and the file store (consistent while the network runs)."""
    try:
        backups.backup(config, to or backups.default_target(config))
    except backups.BackupError as failure:
        sys.exit(f"Ошибка: {failure}")


def restore(config, source, force=False):
    """Restore a backup into this (stopped) network; refuses a network holding data unless --force."""
    try:
        backups.restore(config, source, force=force)
    except backups.BackupError as failure:
        sys.exit(f"Ошибка: {failure}")


def request_adoption_reports(config, as_of=None):
    """Ask adopters for the results reports due by --as-of (default now), as the practices service's
    timer does; a later date shows what happens when that day comes. Each report is asked for once."""
    from services.practices.adoption import request_due_reports
    from shared.messaging import utcnow

    with session_factory(settings.database_url(config, "practices")).begin() as session:
        asked = request_due_reports(session, as_of or utcnow())
    print(f"Запрошено отчётов о результатах внедрения: {len(asked)}")


def make_migration(config, service, message):
    """Autogenerate a migration of one service."""
    new_revision(service, settings.database_url(config, service), message)


def run(config, replicas=1, http_workers=None):
    """Broker, migrations, demo data, then every service and the gateway until Ctrl-C.

    A process that dies is started again (application/supervision.py says when), the others run on."""
    keys_given = bool(os.environ.get("JWT_SECRET"))
    try:
        lock = claim(config)
        print(f"RabbitMQ: {ensure_broker(config['AMQP_URI'])}")
        os.environ.update(installation_env(config, replicas))
    except (BrokerMissing, InstallationError) as failure:
        sys.exit(f"Ошибка: {failure}")
    config = settings.load()  # with this installation's keys, vhost and ports
    announce_installation(config, lock, replicas, keys_given)
    migrate(config, replicas=replicas)
    load_demo(config)
    http_workers = http_workers or default_http_workers(replicas)
    network = Network(config, replicas=replicas, http_workers=http_workers)
    print(f"Шлюз: {plural(http_workers, 'HTTP-процесс', 'HTTP-процесса', 'HTTP-процессов')} на одном порту "
          "и один projector на каждую модель чтения")
    # The processes have their own process group (the terminal's Ctrl-C reaches this one only): a
    # launcher told to stop, or losing its terminal, stops them first.
    for stop in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, lambda *_: sys.exit(0))
    try:
        network.start_all(timeout=120)
        print(f"Демо-сеть: опубликовано новых записей: {load_demo_content(network.base_url)}")
        print(f"\nСеть практик работает: {', '.join(network.base_urls)}  (Ctrl-C — остановить)\n", flush=True)
        while network.running():  # a process that dies is started again by the launcher's supervisor
            time.sleep(1)
        print(f"Все процессы сети завершились и не перезапускаются: {network.exited()}", file=sys.stderr)
    except (RuntimeError, TimeoutError) as failure:
        print(f"Ошибка запуска: {failure}", file=sys.stderr)
    except (KeyboardInterrupt, SystemExit):
        print("\nОстанавливаю сеть…")
    finally:
        network.stop_all()


def announce_installation(config, lock, replicas, keys_given):
    """Say where this installation runs: its ports may have moved (another one holds the defaults)."""
    addresses = [settings.gateway_base_url(config, replica) for replica in range(1, replicas + 1)]
    announce(lock, addresses)
    metrics = ", ".join(str(port) for port in (config.get("METRICS_PORTS") or {}).values() if int(port or 0))
    print(f"Установка {config['INSTALLATION_ID']}: виртуальный хост RabbitMQ «{broker_vhost(config['AMQP_URI'])}», "
          f"шлюз {', '.join(addresses)}, метрики сервисов на портах {metrics or '— (не публикуются)'}")
    print("Ключи подписи: " + ("из окружения" if keys_given else
                               f"этой установки, в {installation.secrets_dir(config)} (доступны только владельцу)"))


def main(argv=None):
    args = vars(build_parser().parse_args(argv))
    function, _ = COMMANDS[args.pop("command")]
    function(settings.load(), **args)


def build_parser():
    parser = argparse.ArgumentParser(prog="practice-network", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (function, add_arguments) in COMMANDS.items():
        add_arguments(commands.add_parser(name, help=function.__doc__.splitlines()[0]))
    return parser


def _no_arguments(parser):
    pass


def _migrate_arguments(parser):
    parser.add_argument("--only", nargs="+", choices=DATABASES, default=DATABASES,
                        help="only these databases (a gateway replica migrates its own read model)")
    _replicas_argument(parser)


def _replicas_argument(parser):
    parser.add_argument("--replicas", type=int, choices=range(1, 10), default=1, metavar="N",
                        help="replicas of every service and of the gateway on this machine (1-9)")


def _run_arguments(parser):
    _replicas_argument(parser)
    parser.add_argument("--http-workers", type=int, choices=range(1, 65), metavar="N",
                        help="HTTP worker processes of each gateway on its port (default: one per core, "
                             "at least 2; 1 with --replicas above 1)")


def _backup_arguments(parser):
    parser.add_argument("--to", type=Path, help="an empty or new directory (default VAR_DIR/backups/<time>)")


def _restore_arguments(parser):
    parser.add_argument("--from", dest="source", type=Path, required=True, help="a directory made by backup")
    parser.add_argument("--force", action="store_true", help="replace data the network already holds")


def _as_of_argument(parser):
    parser.add_argument("--as-of", type=_moment, help="the moment to check for, e.g. 2027-06-01 (UTC)")


def _moment(text):
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _make_migration_arguments(parser):
    parser.add_argument("service", choices=DATABASES)
    parser.add_argument("message")


COMMANDS = {
    "migrate": (migrate, _migrate_arguments),
    "load-demo": (load_demo, _no_arguments),
    "rebuild-read-model": (rebuild_read_model, _no_arguments),
    "run": (run, _run_arguments),
    "backup": (backup, _backup_arguments),
    "restore": (restore, _restore_arguments),
    "make-migration": (make_migration, _make_migration_arguments),
    "request-adoption-reports": (request_adoption_reports, _as_of_argument),
    "create-admin": (first_admin.create_admin, first_admin.add_arguments),
}


if __name__ == "__main__":
    main()
