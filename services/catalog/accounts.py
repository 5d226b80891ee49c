"""User accounts: argon2 password hashes, sign-in, and accounts made by an administrator."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

from services.catalog import lockout
from services.catalog.directory import get_municipality
from services.catalog.models import Account, CatalogOutbox
from services.catalog.schemas import is_city_bound
from shared.auth import ADMIN, Identity, require_role
from shared.errors import Conflict, Unauthorized, ValidationFailed
from shared.messaging import record

hasher = PasswordHasher()
WRONG_CREDENTIALS = "Неверное имя пользователя или пароль"


def identity_of(account):
    return Identity(account.username, account.role, account.municipality_code)


def sign_in(sessions, policy, username, password, address=None):
    """Authenticate unless the username or the address is locked out; failures count towards a lockout.

    The failure is committed before it is raised, so that a refused attempt still counts.
    """
    attempt = lockout.subjects(username, address)
    with sessions.begin() as session:
        lockout.refuse_if_locked(session, attempt)
        try:
            identity = authenticate(session, username, password)
        except Unauthorized as failure:
            refusal = lockout.record_failure(session, attempt, policy) or failure
        else:
            lockout.clear(session, username)
            return identity
    raise refusal


def authenticate(session, username, password):
    """The identity of ``username`` if ``password`` is right; 401 otherwise (without saying which)."""
    account = session.get(Account, username)
    if account is None:
        # Spend the same time as a real check, so timing does not reveal which usernames exist.
        hasher.hash(password)
        raise Unauthorized(WRONG_CREDENTIALS)
    try:
        hasher.verify(account.password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        raise Unauthorized(WRONG_CREDENTIALS) from None
    return identity_of(account)


def create_account(session, actor, data):
    require_role(actor, ADMIN)
    account = add_account(session, data)
    record(session, CatalogOutbox, "account_created", {
        "username": account.username, "role": account.role, "municipality": account.municipality_code,
        "actor": actor.username})
    return account


def add_account(session, data):
    """Store a new account from validated ``NewAccountSchema`` data."""
    municipality = data.get("municipality")
    if is_city_bound(data["role"]) and not municipality:
        raise ValidationFailed("Для этой роли нужен муниципалитет",
                               {"municipality": ["Обязательно для методиста и школы"]})
    if municipality:
        get_municipality(session, municipality)
    if session.get(Account, data["username"]) is not None:
        raise Conflict("Такое имя пользователя уже занято", {"username": ["Уже существует"]})
    account = Account(
        username=data["username"], password_hash=hasher.hash(data["password"]), role=data["role"],
        municipality_code=municipality, full_name=data.get("full_name", ""), email=data.get("email"),
    )
    session.add(account)
    return account
