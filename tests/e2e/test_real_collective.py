"""A collective that has never seen the demo, started from an empty database.

The first coordinator comes from ``paniers create-coordinator``; everything else happens
in Chromium: the coordinator adds a farm and invites its farmer, adds a relay point and
invites its host, adds a product, opens a week with a basket format of its own; the
farmer follows the link of the e-mail, chooses a password and declares the harvest; a
household registers, confirms its address and orders at the new point; the host sees
the order. E-mails go through the worker to the test suite's SMTP server.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, csp_violations
from tests.e2e.test_household_orders import assert_fits_the_phone

COORDINATOR = ("claire@collectif-loos.example", "Claire Dupont")
FARMER = "jean@hirondelles.example"
HOST = "nadia@cafe-gare.example"
HOUSEHOLD = "famille.benali@example.org"
PASSWORD = "un-mot-de-passe-solide"
FARM, POINT, PRODUCT, FORMAT = ("Ferme des Hirondelles", "Café associatif de la gare",
                                "Potimarron", "Panier découverte")


@pytest.fixture()
def collective(tmp_path: Path, live_server: Callable[[Any], str]) -> Iterator[tuple[Any, str, Any]]:
    """An empty instance (migrated, no demo), served, with its worker and mail server."""
    from celery.contrib.testing.worker import start_worker

    from paniers import create_app
    from paniers.extensions import db
    from paniers.migrate import upgrade
    from tests.support.services import need_redis, redis_celery, unique_queue
    from tests.support.smtp import smtp_server

    need_redis()
    url = f"sqlite:///{tmp_path / 'collective.sqlite'}"
    upgrade(url)
    with smtp_server() as (inbox, port):
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port, "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
            "CELERY": redis_celery(unique_queue("collective")),
        })
        created = app.test_cli_runner().invoke(
            args=["create-coordinator", COORDINATOR[0], "--name", COORDINATOR[1],
                  "--password-stdin"], input=PASSWORD + "\n")
        assert created.exit_code == 0, created.output
        with start_worker(app.extensions["celery"], pool="solo", perform_ping_check=False,
                          shutdown_timeout=30):
            base = live_server(app)
            app.config["PUBLIC_URL"] = base  # the links in the e-mails
            yield app, base, inbox
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def link_in(inbox: Any, address: str, subject: str, path: str) -> str:
    """The link to ``path`` in the last message to ``address``."""
    mail = inbox.wait_for(address, subject, timeout_s=30)[-1]
    found = re.search(r"https?://\S+" + re.escape(path) + r"\S*", mail.text)
    assert found, mail.text
    return found.group(0)


def log_in(page: Any, base: str, email: str) -> None:
    page.goto(base + "/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()


def saved(page: Any, name: str) -> None:
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Ajouté au réseau : {name}")


def accept_invitation(page: Any, link: str, name: str) -> None:
    page.goto(link)
    page.get_by_label("Votre nom").fill(name)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Accepter l'invitation").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


@pytest.mark.browser
def test_a_collective_starts_from_an_empty_database_in_the_browser(
        collective: tuple[Any, str, Any], chromium: Any, artifacts: Path) -> None:
    app, base, inbox = collective
    tablet = chromium.new_context(locale="fr-FR", viewport={"width": 1024, "height": 768})
    tablet.set_default_timeout(20_000)
    page = tablet.new_page()
    refused = csp_violations(page)
    log_in(page, base, COORDINATOR[0])
    expect(page.get_by_role("navigation").get_by_role("link", name="Réseau")).to_be_visible()

    # A farm, and an invitation to its farmer from the farm's page.
    page.goto(base + "/reseau/fermes/nouveau")
    page.get_by_label("Nom de la ferme").fill(FARM)
    page.get_by_label("Commune").fill("Loos-en-Gohelle")
    page.get_by_label("Latitude").fill("50,4612")
    page.get_by_label("Longitude").fill("2,7951")
    page.get_by_label("Statut bio").select_option("AB")
    saved(page, FARM)
    page.get_by_role("link", name="Inviter un producteur de cette ferme").click()
    page.get_by_label("Adresse e-mail").fill(FARMER)
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_role("status").first).to_contain_text(FARMER)

    # A relay point, and its host.
    page.goto(base + "/reseau/points/nouveau")
    page.get_by_label("Nom du point").fill(POINT)
    page.get_by_label("Type de point").select_option("relay")
    page.get_by_label("Commune").fill("Loos-en-Gohelle")
    page.get_by_label("Latitude").fill("50,4571")
    page.get_by_label("Longitude").fill("2,7862")
    page.get_by_label("Livraison possible de (HH:MM)").fill("13:00")
    page.locator("#delivery_end_min").fill("15:00")
    page.get_by_label("Retrait des paniers de (HH:MM)").fill("16:30")
    page.locator("#pickup_end_min").fill("19:00")
    saved(page, POINT)
    page.get_by_role("link", name="Inviter un hôte de ce point").click()
    page.get_by_label("Adresse e-mail").fill(HOST)
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_role("status").first).to_contain_text(HOST)

    # A product in season all year.
    page.goto(base + "/reseau/produits/nouveau")
    page.get_by_label("Nom du produit").fill(PRODUCT)
    page.get_by_label("Vendu").select_option("kg")
    page.get_by_label("Poids d'une unité de vente (grammes)").fill("1000")
    for box in page.locator("input[type=checkbox][name=months]").all():
        box.check()
    page.get_by_label("Prix de référence (€ par unité de vente)").fill("3,20")
    saved(page, PRODUCT)

    # The week: the form starts on the next free Friday with the usual cutoff.
    page.goto(base + "/coordination/cycles")
    page.get_by_role("button", name="Créer le cycle").click()
    expect(page.get_by_role("status").first).to_be_visible()
    cycle_url = page.url
    # A basket format of the collective's own, one product is enough to make it up.
    page.goto(base + "/reseau/paniers/nouveau")
    page.get_by_label("Nom du format").fill(FORMAT)
    page.get_by_label("Prix (€)", exact=True).fill("10")
    page.get_by_label("Poids visé (kg)").fill("2")
    page.get_by_label("Nombre minimum de produits").fill("1")
    page.get_by_label("Quota de la semaine (paniers)").fill("20")
    saved(page, FORMAT)
    page.goto(cycle_url)
    page.get_by_role("button", name="Ouvrir aux commandes").click()
    page.get_by_role("button", name="Ouvrir quand même").click()  # nothing declared yet
    expect(page.get_by_role("status").first).to_contain_text("ouvert")
    assert refused == []

    # The farmer follows the e-mail's link and declares the harvest, on a phone.
    farmer = chromium.new_context(locale="fr-FR", **PHONE).new_page()
    accept_invitation(farmer, link_in(inbox, FARMER, "Invitation", "/invitation/"),
                      "Jean Hirondelle")
    farmer.goto(base + "/producteur/offre")
    farmer.get_by_label(f"Quantité {PRODUCT}").fill("40")
    farmer.get_by_role("button", name="Enregistrer mon offre").click()
    expect(farmer.get_by_role("status").first).to_be_visible()
    assert_fits_the_phone(farmer)

    # A household registers, confirms its address and orders at the new point.
    household = chromium.new_context(locale="fr-FR", **PHONE).new_page()
    household.goto(base + "/inscription")
    household.get_by_label("Nom du foyer").fill("Famille Benali")
    household.get_by_label("Adresse e-mail").fill(HOUSEHOLD)
    household.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    household.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    household.get_by_role("main").get_by_role("button").last.click()
    household.goto(link_in(inbox, HOUSEHOLD, "Confirmez", "/inscription/confirmer/"))
    log_in(household, base, HOUSEHOLD)
    household.goto(base + "/catalogue")
    card = household.locator(".card").filter(has=household.get_by_role("heading", name=FORMAT))
    expect(card).to_contain_text("20 encore disponibles")  # 40 kg declared, 2 kg a basket
    card.get_by_label("Nombre").fill("1")
    household.get_by_label("Point de retrait").select_option(
        label=f"Loos-en-Gohelle — {POINT} (16:30–19:00)")
    household.get_by_role("main").get_by_role("button", name="Commander", exact=True).click()
    household.get_by_role("button", name="Confirmer la commande").click()
    expect(household.get_by_role("status").first).to_contain_text("enregistrée")
    assert_fits_the_phone(household)

    # The host accepts the invitation and sees the order at the point.
    host = chromium.new_context(locale="fr-FR", **PHONE).new_page()
    accept_invitation(host, link_in(inbox, HOST, "Invitation", "/invitation/"), "Nadia Karim")
    host.goto(base + "/relais/")
    expect(host.get_by_role("heading", level=1)).to_contain_text(POINT)
    expect(host.locator("ul.pickups")).to_contain_text("Famille Benali")
    expect(host.locator("ul.pickups")).to_contain_text(f"1 × {FORMAT}")
    assert_fits_the_phone(host)
    host.screenshot(path=str(artifacts / "collective-host.png"), full_page=True)

    from sqlalchemy import select

    from paniers.accounts.models import Role, User
    from paniers.extensions import db

    with app.app_context():
        people = {u.email: u for u in db.session.scalars(select(User))}
        assert people[FARMER].role == Role.FARMER and people[FARMER].farm_id
        assert people[HOST].role == Role.RELAY_HOST and people[HOST].point_id
        db.session.remove()
    for context in (tablet, farmer.context, household.context, host.context):
        context.close()
