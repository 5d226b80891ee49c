"""User accounts: argon2 password hashes, sign-in, and accounts made by an administrator."""
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import select

from services.catalog import lockout
from services.catalog.contract import NewAccountSchema
from services.catalog.directory import get_municipality
from services.catalog.models import Account, CatalogOutbox, Organization
from services.catalog.schemas import is_city_bound
from shared.auth import ADMIN, require_role
from shared.db import paginate
from shared.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from shared.messaging import record
from shared.schemas import load

hasher = PasswordHasher()
WRONG_CREDENTIALS = "Неверное имя пользователя или пароль"
DISABLED = "Учётная запись отключена администратором"


def sign_in(sessions, policy, username, password, address=None):
    """The account of valid credentials, unless throttled (lockout.py); failures count towards it.

    The failure is committed before it is raised, so that a refused attempt still counts. A disabled
    account is refused (403) only after its password was right: a guesser learns nothing from it.
    """
    attempt = lockout.subjects(username, address)
    with sessions.begin() as session:
        lockout.refuse_if_locked(session, attempt)
        try:
            account = authenticate(session, username, password)
        except Unauthorized as failure:
            refusal = lockout.record_failure(session, attempt, policy) or failure
        else:
            lockout.clear(session, username, address)
            if account.disabled:
                raise Forbidden(DISABLED)
            return account
    raise refusal


def authenticate(session, username, password):
    """The account of ``username`` if ``password`` is right; 401 otherwise (without saying which)."""
    account = session.get(Account, username)
    if account is None:
        # Spend the same time as a real check, so timing does not reveal which usernames exist.
        hasher.hash(password)
        raise Unauthorized(WRONG_CREDENTIALS)
    try:
        hasher.verify(account.password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        raise Unauthorized(WRONG_CREDENTIALS) from None
    return account


def change_password(session, actor, current_password, new_password):
    """The signed-in person sets a new password; every token of theirs issued before stops working."""
    if actor is None:
        raise Unauthorized("Нужно войти в систему")
    account = session.get(Account, actor.username, with_for_update=True)
    if account is None or account.disabled:
        raise Forbidden(DISABLED)
    try:
        hasher.verify(account.password_hash, current_password)
    except (VerifyMismatchError, InvalidHashError):
        raise Forbidden("Текущий пароль указан неверно",
                        {"current_password": ["Неверный пароль"]}) from None
    if new_password == current_password:
        raise ValidationFailed("Новый пароль совпадает с текущим", {"new_password": ["Выберите другой пароль"]})
    return set_password(session, account, new_password, actor.username)


def set_password(session, account, new_password, actor):
    """Store ``new_password`` (already strong_password-checked); the account's older tokens stop working."""
    if new_password.casefold() == account.username.casefold():
        raise ValidationFailed("Пароль не должен совпадать с именем пользователя",
                               {"new_password": ["Выберите другой пароль"]})
    account.password_hash = hasher.hash(new_password)
    _change_access(session, actor, account, "account_password_changed")
    return account


def set_disabled(session, actor, username, disabled):
    """An administrator disables or re-enables an account; disabling ends every token it holds."""
    require_role(actor, ADMIN)
    account = session.get(Account, username, with_for_update=True)
    if account is None:
        raise NotFound(f"Учётная запись «{username}» не найдена")
    if disabled and account.username == actor.username:
        raise Conflict("Нельзя отключить собственную учётную запись", {"username": ["Это вы"]})
    if account.disabled != disabled:
        account.disabled = disabled
        _change_access(session, actor.username, account, "account_disabled" if disabled else "account_enabled")
    return account


def _change_access(session, actor, account, event_name):
    """Raise the token generation when access is withdrawn, and announce the new state everywhere."""
    if event_name != "account_enabled":
        account.token_generation += 1
    record(session, CatalogOutbox, event_name, {
        "username": account.username, "role": account.role, "municipality": account.municipality_code,
        "token_generation": account.token_generation, "disabled": account.disabled, "actor": actor})


def list_accounts(session, actor, role=None, municipality=None, disabled=None, page=1, per_page=20):
    require_role(actor, ADMIN)
    query = select(Account)
    filters = ((Account.role, role), (Account.municipality_code, municipality), (Account.disabled, disabled))
    for column, value in filters:
        if value is not None:
            query = query.where(column == value)
    return paginate(session, query, Account.username, page=page, per_page=per_page)


def access_in_force(session):
    """Accounts whose access ever changed: their token generation and whether they are disabled."""
    return session.scalars(select(Account).where((Account.token_generation > 0) | Account.disabled)).all()


def create_account(session, actor, data):
    require_role(actor, ADMIN)
    account = add_account(session, data)
    announce_account(session, account, actor.username)
    return account


def announce_account(session, account, actor):
    """``account_created``: the gateway's directory of people learns the name and position from it."""
    record(session, CatalogOutbox, "account_created", {
        "username": account.username, "role": account.role, "municipality": account.municipality_code,
        "full_name": account.full_name, "position": account.position, "actor": actor})


def add_account(session, data, password_hash=None):
    """Store a new account from validated ``NewAccountSchema`` data.

    Without a password the account gets a random one nobody knows: the person signs in with the one-time
    code or link an administrator hands out (resets.py) and chooses their own. ``password_hash``, the
    argon2 hash of ``password`` already made, spares making it again (the demo accounts share one).
    """
    municipality = data.get("municipality")
    if is_city_bound(data["role"]) and not municipality:
        raise ValidationFailed("Для этой роли нужен муниципалитет",
                               {"municipality": ["Обязательно для методиста и школы"]})
    if municipality:
        get_municipality(session, municipality)
    organization = _organization_of(session, data.get("organization"), municipality)
    if session.get(Account, data["username"]) is not None:
        raise Conflict("Такое имя пользователя уже занято", {"username": ["Уже существует"]})
    password_hash = password_hash or hasher.hash(data.get("password") or secrets.token_urlsafe(32))
    account = Account(
        username=data["username"], password_hash=password_hash,
        role=data["role"], municipality_code=municipality, full_name=data.get("full_name", ""),
        position=data.get("position", ""), email=data.get("email"), organization=organization, disabled=False,
        token_generation=0,
    )
    session.add(account)
    return account


def _organization_of(session, organization_id, municipality):
    """The organisation an account works at: one of its own city's (a regional account: any)."""
    if organization_id is None:
        return None
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise NotFound(f"Организация №{organization_id} не найдена", {"organization": ["Нет такой организации"]})
    if municipality and organization.municipality_code != municipality:
        raise ValidationFailed("Организация из другого муниципалитета",
                               {"organization": ["Выберите организацию муниципалитета учётной записи"]})
    return organization


def create_first_admin(sessions, username, full_name, password):
    """An administrator of a production install (``practice-network create-admin``), straight in the
    catalog's database as migrations do: the first admin must exist before anyone can sign in to ask the
    running catalog for one. ``account_created`` goes out through the outbox when the catalog runs."""
    data = load(NewAccountSchema(), {"username": username, "password": password, "role": ADMIN,
                                     "full_name": full_name, "position": "администратор платформы"})
    with sessions.begin() as session:
        account = add_account(session, data)
        announce_account(session, account, username)
        return account.username
