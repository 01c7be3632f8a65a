"""Neither login nor registration tells whether an address has an account: the same
answers, the same password hashing, and the owner of the address is told instead. A new
account logs in only once its address is confirmed, so logging in with the password
just registered does not tell either."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from paniers.accounts import services
from paniers.accounts.models import User
from paniers.extensions import db
from paniers.notifications import services as notifications
from paniers.notifications.messages import compose
from paniers.notifications.models import Kind, OutboundMessage
from tests.integration.week import user
from tests.support.accounts import confirmation_link

HOUSEHOLD = "foyer@paniers.demo"


def register(browser, email, name="Famille Martin"):
    return browser.post("/inscription", {"name": name, "email": email,
                                         "password": "assez-long-1",
                                         "confirm": "assez-long-1"})


def without_csrf(page):
    return re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", page.html)


def users():
    return db.session.scalar(select(func.count()).select_from(User))


def warnings_to(email):
    db.session.expire_all()
    return db.session.scalars(select(OutboundMessage).where(
        OutboundMessage.kind == Kind.ACCOUNT_EXISTS,
        OutboundMessage.user_id == user(email).id)).all()


def test_registering_a_taken_address_answers_as_a_new_one_and_creates_nothing(
        browser, other_browser):
    before = users()
    household = user(HOUSEHOLD)
    name, password_hash = household.name, household.password_hash
    taken = register(browser, "Foyer@Paniers.demo", name="Intrus")
    assert users() == before
    db.session.refresh(household)
    assert (household.name, household.password_hash) == (name, password_hash)
    new = register(other_browser, "martin@example.org")
    assert users() == before + 1
    assert (taken.status_code, without_csrf(taken)) == (new.status_code, without_csrf(new))
    assert "Un e-mail de confirmation vous a été envoyé" in new.text


def test_the_owner_of_a_taken_address_is_told_once_an_hour(browser):
    register(browser, HOUSEHOLD)
    register(browser, HOUSEHOLD)
    (message,) = warnings_to(HOUSEHOLD)
    mail = compose(message, user(HOUSEHOLD))
    assert mail["To"] == HOUSEHOLD
    assert mail["Subject"] == "Tentative d'inscription avec votre adresse"
    text = mail.get_body(("plain",)).get_content()
    assert "Aucun compte n'a été créé" in text and "/connexion" in text


def test_the_warning_is_not_among_the_messages_a_household_may_refuse(app):
    assert Kind.ACCOUNT_EXISTS not in notifications.preferences(user(HOUSEHOLD))


def test_a_new_account_can_log_in_once_its_address_is_confirmed(browser):
    register(browser, "martin@example.org")
    browser.get(confirmation_link("martin@example.org"))
    page = browser.login("martin@example.org", "assez-long-1")
    assert "Famille Martin" in page.text or "Déconnexion" in page.text


def test_logging_in_with_a_password_just_registered_tells_nothing(browser, other_browser):
    register(browser, HOUSEHOLD)  # taken: the password given is not the account's
    register(other_browser, "martin@example.org")  # new: not confirmed yet
    taken = browser.post("/connexion", {"email": HOUSEHOLD, "password": "assez-long-1"})
    new = other_browser.post("/connexion", {"email": "martin@example.org",
                                            "password": "assez-long-1"})
    assert "Adresse ou mot de passe incorrect" in new.text
    assert "Se déconnecter" not in new.text
    assert ((taken.status_code, without_csrf(taken).replace(HOUSEHOLD, "ADDRESS"))
            == (new.status_code, without_csrf(new).replace("martin@example.org", "ADDRESS")))


def test_logging_in_with_an_unknown_address_checks_a_password_hash_all_the_same(
        browser, monkeypatch):
    checks = []
    real = services._dummy_check
    monkeypatch.setattr(services, "_dummy_check", lambda password: checks.append(password)
                        or real(password))
    page = browser.post("/connexion", {"email": "personne@example.org", "password": "devine"})
    assert "Adresse ou mot de passe incorrect" in page.text
    assert checks == ["devine"]
    browser.post("/connexion", {"email": HOUSEHOLD, "password": "devine"})
    assert checks == ["devine"]  # a known address checks its own hash instead


def test_the_dummy_check_costs_a_real_password_check(app, monkeypatch):
    hashes = []
    monkeypatch.setattr(services, "check_password_hash",
                        lambda stored, password: hashes.append(stored) or False)
    services._dummy_check("devine")
    assert hashes == [services._dummy_hash()]
    assert hashes[0].startswith(user(HOUSEHOLD).password_hash.split("$")[0])
