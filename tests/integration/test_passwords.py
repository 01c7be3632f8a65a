"""Passwords: "Mot de passe oublié ?" answers alike for any address and mails a signed
link only to an account's owner; the link sets a new password once and ends the other
sessions; "Mon compte" changes the password given the current one."""

from __future__ import annotations

import re

import pytest

from paniers.extensions import limiter
from tests.conftest import Browser
from tests.integration.week import user
from tests.support.smtp import mailing_app

HOUSEHOLD = "foyer@paniers.demo"
UNKNOWN = "personne@example.org"
OLD = "paniers-demo"
NEW = "nouveau-mot-de-passe"
SUBJECT = "Choisir un nouveau mot de passe"
LINK = re.compile(r"https?://\S+?(/mot-de-passe/[A-Za-z0-9_.\-]+)")
SAME_ANSWER = "Si un compte existe avec cette adresse"


@pytest.fixture()
def app(database_url, tmp_path):
    with mailing_app(database_url, tmp_path) as (application, inbox):
        application.inbox = inbox
        limiter.reset()
        yield application


def forgot(app, email):
    return Browser(app).post("/mot-de-passe-oublie", {"email": email})


def reset_link(app):
    (mail,) = app.inbox.wait_for(HOUSEHOLD, SUBJECT)
    found = LINK.search(mail.text)
    assert found, mail.text
    return found.group(1)


def logged_in(page):
    return "Se déconnecter" in page.text


def test_the_login_page_offers_the_forgotten_password_form(app):
    login = Browser(app).get("/connexion")
    assert "Mot de passe oublié ?" in login.text and "/mot-de-passe-oublie" in login.html


def test_known_and_unknown_addresses_get_the_same_answer_and_only_the_known_one_a_mail(app):
    unknown, known = forgot(app, UNKNOWN), forgot(app, HOUSEHOLD)
    assert unknown.status_code == known.status_code == 200
    assert SAME_ANSWER in unknown.text and SAME_ANSWER in known.text
    answer = re.compile(r'<p class="flash[^>]*>.*?</p>', re.S)
    assert answer.findall(unknown.html) == answer.findall(known.html)
    reset_link(app)
    assert app.inbox.to(UNKNOWN) == []


def test_the_link_sets_a_new_password_once_and_ends_the_other_sessions(app):
    elsewhere = Browser(app)
    elsewhere.login(HOUSEHOLD, OLD)
    forgot(app, HOUSEHOLD)
    link = reset_link(app)
    visitor = Browser(app)
    short = visitor.post(link, {"password": "court", "confirm": "court"})
    assert "8 caractères" in short.text and user(HOUSEHOLD).check_password(OLD)
    page = visitor.post(link, {"password": NEW, "confirm": NEW})
    assert logged_in(page) and "nouveau mot de passe est enregistré" in page.text

    assert elsewhere.get("/compte/", follow_redirects=False).status_code == 302
    again = Browser(app).get(link)
    assert again.status_code == 400 and "n'est plus valable" in again.text
    assert not logged_in(Browser(app).post("/connexion", {"email": HOUSEHOLD,
                                                          "password": OLD}))
    assert logged_in(Browser(app).login(HOUSEHOLD, NEW))


def test_a_tampered_reset_link_is_refused(app):
    for bad in ("/mot-de-passe/n-importe-quoi", "/mot-de-passe/" + "x" * 300):
        page = Browser(app).get(bad)
        assert page.status_code == 400 and "n'est plus valable" in page.text


def test_the_forgotten_password_form_is_throttled(app):
    app.config["THROTTLE_RESET_PER_ACCOUNT"] = "2/hour"
    browser = Browser(app)
    codes = [browser.post("/mot-de-passe-oublie", {"email": UNKNOWN}, follow=False).status_code
             for _ in range(3)]
    assert codes == [302, 302, 429]


def test_changing_the_password_in_my_account_asks_for_the_current_one(app):
    me, elsewhere = Browser(app), Browser(app)
    me.login(HOUSEHOLD, OLD)
    elsewhere.login(HOUSEHOLD, OLD)
    wrong = me.post("/compte/mot-de-passe", {"current": "pas-le-bon", "password": NEW,
                                             "confirm": NEW}, form_page="/compte/")
    assert "Mot de passe actuel incorrect" in wrong.text
    assert user(HOUSEHOLD).check_password(OLD)

    page = me.post("/compte/mot-de-passe", {"current": OLD, "password": NEW, "confirm": NEW},
                   form_page="/compte/")
    assert "Mot de passe changé" in page.text and logged_in(page)
    assert me.get("/compte/").status_code == 200  # still signed in here
    assert elsewhere.get("/compte/", follow_redirects=False).status_code == 302
    assert logged_in(Browser(app).login(HOUSEHOLD, NEW))
