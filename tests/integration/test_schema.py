"""Migrations: from an empty database to head, matching the models, and back down."""

from __future__ import annotations

import os
import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

import paniers.models  # noqa: F401
from paniers.extensions import db
from paniers.migrate import alembic_config, downgrade, upgrade
from tests.conftest import need_service


def assert_schema_matches_models(url: str) -> None:
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_sqlite_migrates_from_empty_to_head_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    upgrade(url)
    assert_schema_matches_models(url)
    downgrade(url, "base")
    tables = inspect(create_engine(url)).get_table_names()
    assert tables == ["alembic_version"]


def test_postgresql_migrates_from_empty_to_head_and_back():
    need_service("PostgreSQL", "127.0.0.1", 5432)
    base = os.environ.get("PANIERS_TEST_DATABASE_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    schema = f"m_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base}?options=-csearch_path%3D{schema}"
    try:
        upgrade(url)
        assert_schema_matches_models(url)
        downgrade(url, "base")
        engine = create_engine(url)
        assert inspect(engine).get_table_names(schema=schema) == ["alembic_version"]
        engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def step_each_head_down_and_up(url: str) -> None:
    """Areas add migrations side by side (several heads): ``-1`` alone would be ambiguous,
    so each head in turn goes down one step (``<head>@-1``) while the others stay."""
    heads = set(ScriptDirectory.from_config(alembic_config(url)).get_heads())
    engine = create_engine(url)
    try:
        for head in sorted(heads):
            columns_before = columns(engine)
            downgrade(url, f"{head}@-1")
            assert current_heads(engine) == heads - {head} | down_revisions_left(url, head, heads)
            assert columns(engine) < columns_before, head
            upgrade(url)
            assert current_heads(engine) == heads
        assert_schema_matches_models(url)
    finally:
        engine.dispose()


def columns(engine) -> set[tuple[str, str]]:
    """Every (table, column) of the database: a step down must take some away."""
    inspector = inspect(engine)
    return {(table, column["name"]) for table in inspector.get_table_names()
            for column in inspector.get_columns(table)}


def current_heads(engine) -> set[str]:
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def down_revisions_left(url: str, head: str, heads: set[str]) -> set[str]:
    """The revision below ``head``, when no other head stands on it."""
    script = ScriptDirectory.from_config(alembic_config(url))
    below = script.get_revision(head).down_revision
    others = {rev.revision for other in heads - {head} for rev in script.iterate_revisions(other,
                                                                                         "base")}
    return set() if below is None or below in others else {below}


def test_sqlite_steps_each_newest_migration_down_and_up_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'steps.sqlite'}"
    upgrade(url)
    step_each_head_down_and_up(url)


def test_postgresql_steps_each_newest_migration_down_and_up_again():
    need_service("PostgreSQL", "127.0.0.1", 5432)
    base = os.environ.get("PANIERS_TEST_DATABASE_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    schema = f"m_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = f"{base}?options=-csearch_path%3D{schema}"
        upgrade(url)
        step_each_head_down_and_up(url)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
