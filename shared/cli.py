"""``practice-network``: migrate, load the demo network, run everything, rebuild the read model."""
import argparse
import signal
import sys
import time

from shared import config as settings
from shared.db import session_factory
from shared.demo import load_demo_content
from shared.launcher import BrokerMissing, Network, ensure_broker
from shared.migrations import new_revision, upgrade

DATABASES = (*settings.SERVICES, "gateway")


def migrate(config):
    """Bring every service's database to the newest schema and register installed cities."""
    from services.catalog.directory import register_installed_municipalities

    for name in DATABASES:
        upgrade(name, settings.database_url(config, name))
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


def run(config):
    """Broker, migrations, demo data, then every service and the gateway until Ctrl-C."""
    try:
        print(f"RabbitMQ: {ensure_broker(config['AMQP_URI'])}")
    except BrokerMissing as missing:
        sys.exit(f"Ошибка: {missing}")
    migrate(config)
    load_demo(config)
    network = Network(config)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        network.start_all()
        network.wait_healthy(timeout=120)
        print(f"Демо-сеть: опубликовано новых записей: {load_demo_content(network.base_url)}")
        print(f"\nСеть практик работает: {network.base_url}  (Ctrl-C — остановить)\n", flush=True)
        while not network.exited():
            time.sleep(1)
        print(f"Процесс завершился: {network.exited()}", file=sys.stderr)
    except (RuntimeError, TimeoutError) as failure:
        print(f"Ошибка запуска: {failure}", file=sys.stderr)
    except (KeyboardInterrupt, SystemExit):
        print("\nОстанавливаю сеть…")
    finally:
        network.stop_all()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="practice-network", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, function in COMMANDS.items():
        commands.add_parser(name, help=function.__doc__.splitlines()[0])
    revision = commands.add_parser("make-migration", help="Autogenerate a migration of one service")
    revision.add_argument("service", choices=DATABASES)
    revision.add_argument("message")
    args = parser.parse_args(argv)
    config = settings.load()
    if args.command == "make-migration":
        new_revision(args.service, settings.database_url(config, args.service), args.message)
    else:
        COMMANDS[args.command](config)


COMMANDS = {"migrate": migrate, "load-demo": load_demo, "rebuild-read-model": rebuild_read_model, "run": run}


if __name__ == "__main__":
    main()
