"""The directory of people: usernames as pages show them («Имя Фамилия, должность»), never as logins."""
from sqlalchemy import select

from services.gateway.models import PersonView
from shared.db import upsert


def account_created(session, data):
    upsert(session, PersonView, {key: data[key] for key in ("username", "role", "municipality", "full_name",
                                                            "position")})


def shown(person):
    """«Татьяна Николаевна Горина, методист управления образования» (the position only when known). The
    name is shown as the account holds it: cutting words would guess wrong when the surname comes first."""
    return f"{person.full_name}, {person.position}" if person.position else person.full_name


class Directory:
    """Names of the people of one page, read from the read model on first use and kept for the request."""

    def __init__(self, sessions):
        self.sessions, self.known = sessions, {}

    def person(self, username):
        if username not in self.known:
            with self.sessions() as session:
                self.known[username] = session.scalars(
                    select(PersonView).where(PersonView.username == username)).first()
        return self.known[username]

    def name(self, username, with_position=True):
        """A person's name; an account the directory does not know (created before names were announced)
        keeps its username, the only name there is for it."""
        person = self.person(username) if username else None
        if person is None or not person.full_name:
            return username or ""
        return shown(person) if with_position else person.full_name


def with_names(sessions, items, field, name_field):
    """``items`` (dicts from another service) with ``name_field`` beside each ``field`` that names someone:
    the API keeps usernames and adds the names pages show (extend only)."""
    directory = Directory(sessions)
    return [{**item, name_field: directory.name(item[field])} if item.get(field) else item for item in items]
