"""The demo accounts of API.md (password ``demo``). Loaded by ``make run``; never in production."""
from services.catalog.accounts import add_account, announce_account, hasher
from services.catalog.models import Account
from shared.auth import ADMIN, METHODIST, REVIEWER, SCHOOL

DEMO_PASSWORD = "demo"
DEMO_ACCOUNTS = (
    ("methodist-magnitogorsk", METHODIST, "magnitogorsk", "Ирина Петровна Соколова", "методист управления образования"),
    ("methodist-snezhinsk", METHODIST, "snezhinsk", "Олег Викторович Лаптев", "методист управления образования"),
    ("methodist-kopeysk", METHODIST, "kopeysk", "Марина Сергеевна Белова", "методист управления образования"),
    ("methodist-kyshtym", METHODIST, "kyshtym", "Татьяна Николаевна Горина", "методист управления образования"),
    ("reviewer-chippkro", REVIEWER, None, "Елена Аркадьевна Воронцова", "эксперт ЧИППКРО"),
    # City experts of the regional institute's pool: never assigned entries of their own city.
    ("reviewer-snezhinsk", REVIEWER, "snezhinsk", "Андрей Павлович Кузьмин", "эксперт, Снежинск"),
    ("reviewer-magnitogorsk", REVIEWER, "magnitogorsk", "Светлана Игоревна Панова", "эксперт, Магнитогорск"),
    ("reviewer-kopeysk", REVIEWER, "kopeysk", "Денис Юрьевич Романов", "эксперт, Копейск"),
    ("school-kyshtym", SCHOOL, "kyshtym", "Наталья Владимировна Крылова", "заместитель директора школы №1 г. Кыштыма"),
    ("school-magnitogorsk", SCHOOL, "magnitogorsk", "Алексей Михайлович Зуев",
     "заместитель директора школы №5 г. Магнитогорска"),
    ("admin", ADMIN, None, "Павел Андреевич Миронов", "администратор платформы"),
)


def load_demo_accounts(sessions):
    """Add the demo accounts that are missing; returns how many were added. They share one hash of
    their shared password: an argon2 hash takes a tenth of a second, and every test network starts here."""
    added, password_hash = 0, hasher.hash(DEMO_PASSWORD)
    with sessions.begin() as session:
        for username, role, municipality, full_name, position in DEMO_ACCOUNTS:
            if session.get(Account, username) is None:
                account = add_account(session, {"username": username, "password": DEMO_PASSWORD, "role": role,
                                                "municipality": municipality, "full_name": full_name,
                                                "position": position}, password_hash)
                announce_account(session, account, "admin")  # pages show the demo people by name too
                added += 1
    return added
