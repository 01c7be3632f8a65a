"""Starting empty: ``paniers create-coordinator`` makes the first coordinator of a database
that has never seen the demo, who can then log in; bad input changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from paniers import create_app
from paniers.accounts.models import Role, User
from paniers.extensions import db
from paniers.migrate import upgrade
from tests.conftest import Browser

EMAIL = "claire@collectif-loos.fr"
PASSWORD = "mot-de-passe-solide"


@pytest.fixture()
def app(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    upgrade(url)
    application = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True,
                              "SERVER_NAME": "paniers.test"})
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


def create(app, *args, stdin=""):
    return app.test_cli_runner().invoke(args=["create-coordinator", *args], input=stdin)


def accounts():
    return db.session.scalar(select(func.count()).select_from(User))


def test_the_first_coordinator_of_an_empty_instance_logs_in(app):
    assert accounts() == 0
    result = create(app, EMAIL, "--name", "Claire Dupont", "--password-stdin",
                    stdin=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Claire Dupont" in result.output
    page = Browser(app).login(EMAIL, PASSWORD)
    assert "Cycles" in page.text and "Membres" in page.text
    created = db.session.scalar(select(User))
    assert created.role == Role.COORDINATOR


def test_the_password_can_be_typed_at_the_prompt(app):
    result = create(app, EMAIL, "--name", "Claire", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User)).check_password(PASSWORD)


@pytest.mark.parametrize(("email", "password", "message"), [
    ("pas-une-adresse", PASSWORD, "Adresse e-mail invalide"),
    (EMAIL, "court", "au moins 8 caractères"),
])
def test_a_bad_address_or_a_weak_password_is_refused_in_french(app, email, password, message):
    result = create(app, email, "--name", "Claire", "--password-stdin", stdin=password + "\n")
    assert result.exit_code != 0
    assert message in result.output
    assert accounts() == 0


def test_an_address_with_an_account_is_refused(app):
    create(app, EMAIL, "--name", "Claire", "--password-stdin", stdin=PASSWORD + "\n")
    result = create(app, EMAIL.upper(), "--name", "Autre", "--password-stdin",
                    stdin="un-autre-mot-de-passe\n")
    assert result.exit_code != 0 and "Un compte existe déjà" in result.output
    assert accounts() == 1
    assert db.session.scalar(select(User)).name == "Claire"
