"""``practice-network create-admin``: the first administrator of an installation without the demo network.

It writes to the catalog's database directly, as ``migrate`` and ``load-demo`` do, rather than asking the
running catalog over RPC: the catalog creates accounts only for a signed-in administrator, and on a new
installation there is none yet; nor need the network be running. The ``account_created`` event waits
in the catalog's outbox and goes out when the catalog runs.
"""
import getpass
import secrets
import sys

from services.catalog.accounts import create_first_admin
from shared import config as settings
from shared.db import session_factory
from shared.errors import NetworkError
from shared.migrations import upgrade

GENERATED_LENGTH = 18  # bytes of randomness: 24 characters


def create_admin(config, username=None, full_name=None, generate_password=False):
    """Create an administrator (a production install without the demo network); refuses a taken username."""
    username = username or input("Имя пользователя администратора: ").strip()
    full_name = full_name if full_name is not None else input("ФИО администратора: ").strip()
    password = secrets.token_urlsafe(GENERATED_LENGTH) if generate_password else _typed_password()
    url = settings.database_url(config, "catalog")
    upgrade("catalog", url)  # a new installation may not have been migrated yet
    try:
        create_first_admin(session_factory(url), username, full_name, password)
    except NetworkError as error:
        reasons = "; ".join(f"{field}: {' '.join(map(str, why))}" for field, why in error.fields.items())
        sys.exit(f"Ошибка: {error.message}" + (f" ({reasons})" if reasons else ""))
    print(f"Администратор «{username}» создан.")
    if generate_password:
        print(f"Пароль (показан один раз, запишите его): {password}")


def _typed_password():
    password = getpass.getpass("Пароль (не меньше 8 символов, не отображается): ")
    if getpass.getpass("Пароль ещё раз: ") != password:
        sys.exit("Ошибка: пароли не совпадают")
    return password


def add_arguments(parser):
    parser.add_argument("--username", help="имя для входа (без флага спросит)")
    parser.add_argument("--full-name", help="ФИО (без флага спросит)")
    parser.add_argument("--generate-password", action="store_true",
                        help="создать случайный пароль и показать его один раз (иначе спросит, без отображения)")
