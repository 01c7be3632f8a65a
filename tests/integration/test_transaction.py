"""One commit per use case: what an outer use case writes, with the use cases it calls,
is kept whole or not at all; work promised after the commit happens only after it."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select

from paniers.accounts.models import User
from paniers.errors import ServiceError
from paniers.extensions import db
from paniers.transaction import after_commit, in_transaction, transaction


def names_seen_by_another_connection(app) -> set[str]:
    """What is committed, read through a connection of its own (not the session's)."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as connection:
            return set(connection.scalars(select(User.name)))
    finally:
        engine.dispose()


def rename(email: str, name: str) -> None:
    with transaction():
        user = db.session.scalar(select(User).where(User.email == email))
        user.name = name


def test_an_inner_use_case_is_committed_only_with_its_caller(app):
    done: list[str] = []
    with transaction():
        rename("foyer@paniers.demo", "Foyer renommé")
        after_commit(lambda: done.append("sent"))
        assert in_transaction()
        assert "Foyer renommé" not in names_seen_by_another_connection(app)
        assert done == []  # nothing is told before the commit
    assert "Foyer renommé" in names_seen_by_another_connection(app)
    assert done == ["sent"]
    assert not in_transaction()


def test_a_refusal_anywhere_undoes_the_whole_use_case_and_promises_nothing(app):
    done: list[str] = []
    with pytest.raises(ServiceError), transaction():
        rename("foyer@paniers.demo", "Foyer renommé")
        after_commit(lambda: done.append("sent"))
        raise ServiceError("refusé après coup")
    assert "Foyer renommé" not in names_seen_by_another_connection(app)
    assert db.session.scalar(select(User.name).where(User.email == "foyer@paniers.demo")) \
        != "Foyer renommé"
    assert done == []
    with transaction():  # the next use case starts clean
        rename("foyer@paniers.demo", "Foyer suivant")
    assert "Foyer suivant" in names_seen_by_another_connection(app)
