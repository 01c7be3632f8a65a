"""The links that work once hold under a race: people (or a script) following the same
invitation or reset link at the same instant, on PostgreSQL, each on its own connection.
Exactly one goes through; the others are told the link is no longer valid."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from paniers import create_app
from paniers.accounts import invitations, services
from paniers.accounts.models import Role, User
from paniers.accounts.tokens import invitation_token, reset_token
from paniers.errors import ServiceError
from paniers.extensions import db
from tests.integration.week import user
from tests.support.services import postgres_schema

RACERS = 6


@pytest.fixture()
def pg_app(tmp_path) -> Iterator[Any]:
    for url in postgres_schema():
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True,
                          "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
                          "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": RACERS + 1}})
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


def race(app: Any, attempt: Any) -> list[str]:
    """Run ``attempt(i)`` in RACERS threads started together; each one's outcome."""
    go = threading.Barrier(RACERS)
    outcomes: list[str] = []

    def racer(i: int) -> None:
        with app.app_context():
            go.wait()
            try:
                attempt(i)
                outcomes.append("ok")
            except ServiceError:
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


def test_one_invitation_link_followed_at_once_makes_one_account(pg_app):
    farm_id = user("producteur@paniers.demo").farm_id
    invitation = invitations.invite("rapide@example.org", Role.FARMER, farm_id=farm_id)
    token = invitation_token(invitation.id, invitation.nonce)
    outcomes = race(pg_app, lambda i: invitations.accept(
        token, name=f"Personne {i}", password=f"mot-de-passe-{i}"))
    assert outcomes == ["ok"] + ["refused"] * (RACERS - 1)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(User).where(
        User.email == "rapide@example.org")) == 1


def test_one_reset_link_followed_at_once_sets_one_password(pg_app):
    token = reset_token(user("foyer@paniers.demo"))
    outcomes = race(pg_app, lambda i: services.reset_password(token, f"nouveau-{i}-secret"))
    assert outcomes == ["ok"] + ["refused"] * (RACERS - 1)
    db.session.expire_all()
    household = user("foyer@paniers.demo")
    assert sum(household.check_password(f"nouveau-{i}-secret") for i in range(RACERS)) == 1
