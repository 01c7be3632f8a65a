"""Migrations: from an empty database to head, matching the models, and back down."""

from __future__ import annotations

import os
import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

import paniers.models  # noqa: F401
from paniers.extensions import db
from paniers.migrate import downgrade, upgrade
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
