"""The demo accounts of API.md (password ``demo``). Loaded by ``make run``; never in production."""
from services.catalog.accounts import add_account
from services.catalog.models import Account
from shared.auth import ADMIN, METHODIST, REVIEWER, SCHOOL

DEMO_PASSWORD = "demo"
DEMO_ACCOUNTS = (
    ("methodist-magnitogorsk", METHODIST, "magnitogorsk", "Методист Магнитогорска"),
    ("methodist-snezhinsk", METHODIST, "snezhinsk", "Методист Снежинска"),
    ("methodist-kopeysk", METHODIST, "kopeysk", "Методист Копейска"),
    ("methodist-kyshtym", METHODIST, "kyshtym", "Методист Кыштыма"),
    ("reviewer-chippkro", REVIEWER, None, "Эксперт ЧИППКРО"),
    # City experts of the regional institute's pool: never assigned entries of their own city.
    ("reviewer-snezhinsk", REVIEWER, "snezhinsk", "Эксперт из Снежинска"),
    ("reviewer-magnitogorsk", REVIEWER, "magnitogorsk", "Эксперт из Магнитогорска"),
    ("reviewer-kopeysk", REVIEWER, "kopeysk", "Эксперт из Копейска"),
    ("school-kyshtym", SCHOOL, "kyshtym", "Школа г. Кыштыма"),
    ("school-magnitogorsk", SCHOOL, "magnitogorsk", "Школа г. Магнитогорска"),
    ("admin", ADMIN, None, "Администратор платформы"),
)


def load_demo_accounts(sessions):
    """Add the demo accounts that are missing; returns how many were added."""
    added = 0
    with sessions.begin() as session:
        for username, role, municipality, full_name in DEMO_ACCOUNTS:
            if session.get(Account, username) is None:
                add_account(session, {"username": username, "password": DEMO_PASSWORD, "role": role,
                                      "municipality": municipality, "full_name": full_name})
                added += 1
    return added
