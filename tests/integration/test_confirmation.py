"""Registration confirms by e-mail: a new account logs in only after following the
signed link of its confirmation message; a bad or expired link is a French page."""

from __future__ import annotations

import time

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from paniers.accounts import services
from paniers.accounts.tokens import CONFIRM_MAX_AGE, CONFIRM_SALT, confirmation_token
from paniers.errors import ServiceError
from paniers.extensions import db
from paniers.notifications import services as notifications
from paniers.notifications.messages import compose
from paniers.notifications.models import Kind, OutboundMessage
from tests.integration.week import user
from tests.support.accounts import confirmation_link

NEW = "martin@example.org"
PASSWORD = "assez-long-1"


def register(browser, email=NEW):
    return browser.post("/inscription", {"name": "Famille Martin", "email": email,
                                         "password": PASSWORD, "confirm": PASSWORD})


def logged_in(page):
    return "Se déconnecter" in page.text


def test_a_new_household_cannot_log_in_before_confirming(browser):
    register(browser)
    assert user(NEW).email_confirmed_dt is None
    page = browser.post("/connexion", {"email": NEW, "password": PASSWORD})
    assert "Adresse ou mot de passe incorrect" in page.text
    assert not logged_in(page)


def test_the_link_of_the_message_confirms_then_login_works(browser):
    register(browser)
    (message,) = db.session.scalars(select(OutboundMessage).where(
        OutboundMessage.kind == Kind.CONFIRM_EMAIL, OutboundMessage.user_id == user(NEW).id))
    mail = compose(message, user(NEW))
    assert mail["To"] == NEW
    assert mail["Subject"] == "Confirmez votre adresse pour activer votre compte"
    assert "/inscription/confirmer/" in mail.get_body(("html",)).get_content()

    page = browser.get(confirmation_link(NEW), follow_redirects=True)
    assert page.status_code == 200
    assert "Votre adresse est confirmée" in page.text and "Se connecter" in page.text
    db.session.expire_all()
    assert user(NEW).email_confirmed_dt is not None
    assert logged_in(browser.login(NEW, PASSWORD))


def test_following_the_link_twice_changes_nothing(browser):
    register(browser)
    link = confirmation_link(NEW)
    browser.get(link)
    db.session.expire_all()
    confirmed = user(NEW).email_confirmed_dt
    again = browser.get(link, follow_redirects=True)
    assert "Votre adresse est confirmée" in again.text
    db.session.expire_all()
    assert user(NEW).email_confirmed_dt == confirmed


def test_a_tampered_link_is_refused_with_a_french_page(browser):
    register(browser)
    link = confirmation_link(NEW)
    token = link.rsplit("/", 1)[1]
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (f"/inscription/confirmer/{forged}", "/inscription/confirmer/n-importe-quoi",
                "/inscription/confirmer/" + "x" * 500):
        page = browser.get(bad)
        assert page.status_code == 400, bad
        assert "Ce lien de confirmation n'est pas valable ou a expiré." in page.text
    db.session.expire_all()
    assert user(NEW).email_confirmed_dt is None
    assert not logged_in(browser.post("/connexion", {"email": NEW, "password": PASSWORD}))


def test_an_expired_link_is_refused_with_a_french_page(browser, monkeypatch):
    register(browser)
    link = confirmation_link(NEW)
    later = time.time() + CONFIRM_MAX_AGE.total_seconds() + 60
    monkeypatch.setattr(time, "time", lambda: later)
    page = browser.get(link)
    assert page.status_code == 400
    assert "Ce lien de confirmation n'est pas valable ou a expiré." in page.text
    db.session.expire_all()
    assert user(NEW).email_confirmed_dt is None


def test_a_token_of_another_key_salt_or_address_is_refused(app):
    household = services.register_household(NEW, "Famille Martin", PASSWORD)
    about = {"user": household.id, "email": NEW}
    wrong = [
        URLSafeTimedSerializer("une-autre-cle", salt=CONFIRM_SALT).dumps(about),
        URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="autre").dumps(about),
        URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=CONFIRM_SALT).dumps(
            {"user": household.id, "email": "autre@example.org"}),
        URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=CONFIRM_SALT).dumps(
            [household.id, NEW]),
    ]
    for token in wrong:
        with pytest.raises(ServiceError, match="pas valable"):
            services.confirm_email(token)
    assert user(NEW).email_confirmed_dt is None
    services.confirm_email(confirmation_token(household))
    assert user(NEW).email_confirmed_dt is not None


def test_an_unconfirmed_account_checks_its_password_hash_like_any_other(app, monkeypatch):
    services.register_household(NEW, "Famille Martin", PASSWORD)
    hashes = []
    real = services.User.check_password
    monkeypatch.setattr(services.User, "check_password",
                        lambda self, password: hashes.append(password) or real(self, password))
    for password in (PASSWORD, "devine"):
        with pytest.raises(ServiceError, match="Adresse ou mot de passe incorrect"):
            services.authenticate(NEW, password)
    assert hashes == [PASSWORD, "devine"]


def test_the_confirmation_is_always_sent_and_not_a_choice(app):
    assert Kind.CONFIRM_EMAIL not in notifications.preferences(user("foyer@paniers.demo"))


def test_the_confirmation_is_in_english_for_an_english_household(app):
    household = services.register_household(NEW, "The Martins", PASSWORD, "en")
    (message,) = db.session.scalars(select(OutboundMessage).where(
        OutboundMessage.kind == Kind.CONFIRM_EMAIL, OutboundMessage.user_id == household.id))
    mail = compose(message, household)
    assert mail["Subject"] == "Confirm your address to activate your account"
    assert "valid for 48 hours" in mail.get_body(("plain",)).get_content()
