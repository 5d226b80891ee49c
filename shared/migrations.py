"""Alembic, once for every service: each ``services/<name>/migrations/env.py`` calls :func:`run_env`."""
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import create_engine

from shared.db import UtcDateTime

SERVICES_DIR = Path(__file__).resolve().parent.parent / "services"


def alembic_config(service_name, url):
    cfg = Config()
    cfg.set_main_option("script_location", str(SERVICES_DIR / service_name / "migrations"))
    cfg.attributes["url"] = url
    return cfg


def upgrade(service_name, url):
    command.upgrade(alembic_config(service_name, url), "head")


def new_revision(service_name, url, message):
    """Autogenerate a migration from the difference between the models and the database."""
    command.revision(alembic_config(service_name, url), message=message, autogenerate=True)


def run_env(target_metadata):
    url = context.config.attributes["url"]
    engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection, target_metadata=target_metadata,
            render_as_batch=url.startswith("sqlite"), render_item=_render_item,
            include_object=_include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def _render_item(type_, obj, autogen_context):
    """Write our UtcDateTime as the plain column type it stores, so migrations import nothing of ours."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _include_object(obj, name, type_, reflected, compare_to):
    """Leave alone tables the models do not describe (the FTS5 index and its shadow tables)."""
    return not (type_ == "table" and reflected and compare_to is None)
