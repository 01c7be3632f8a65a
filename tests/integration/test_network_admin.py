"""The coordinators' « Réseau » pages, through the browser's forms with CSRF on: each kind
added, edited, refused with a message next to the field (nothing changed), deactivated
(gone from ordering, kept in history) and reactivated, each change in the journal."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from paniers.extensions import db
from paniers.journal.models import JournalEntry
from producers.models import Farm
from tests.integration.week import open_week

COORDINATOR = "coordination@paniers.demo"


def count(model: Any) -> int:
    db.session.expire_all()
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def named(model: Any, name: str) -> Any:
    db.session.expire_all()
    return db.session.scalar(select(model).where(model.name == name))


def journal(action: str) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(JournalEntry.subject).where(
        JournalEntry.action == action).order_by(JournalEntry.id)))


FARM = {"name": "Ferme des Hirondelles", "town": "Wingles", "address": "3 rue des Prés",
        "lat": "50,4930", "lon": "2,8520", "organic_status": "C2",
        "conversion_start_date": "2024-09-01", "farmed_area_ares": "12,5",
        "organic_area_ares": "8", "contact_name": "Inès Hirondelle",
        "contact_phone": "03 21 00 00 00", "contact_email": "ines@example.org"}


def test_a_coordinator_adds_a_farm_with_its_areas_in_hectares(browser):
    browser.login(COORDINATOR)
    page = browser.post("/reseau/fermes/nouveau", FARM)
    assert page.status_code == 200, page.text[:2000]
    assert "Ferme des Hirondelles est ajouté au réseau" in page.text
    farm = named(Farm, "Ferme des Hirondelles")
    assert (farm.farmed_area_ares, farm.organic_area_ares) == (1250, 800)
    assert (farm.lat, farm.lon, farm.organic_status) == (50.493, 2.852, "C2")
    assert farm.active and farm.code == "farm-ferme-des-hirondelles"
    assert farm.distance_m > 0  # to the hub, for the allocation's fairness
    assert "12,5" in page.text  # shown back in hectares
    assert journal("network.created") == ["Ferme des Hirondelles"]


def test_every_page_of_the_network_opens_for_a_coordinator(browser):
    open_week()
    browser.login(COORDINATOR)
    assert "Fermes" in browser.get("/reseau/").text
    for kind in ("fermes", "produits", "points", "plateformes", "cantines", "paniers"):
        listing = browser.get(f"/reseau/{kind}/")
        assert listing.status_code == 200, kind
        ids = sorted({int(i) for i in re.findall(rf'href="/reseau/{kind}/(\d+)"', listing.html)})
        assert ids, f"nothing listed in {kind}"
        assert browser.get(f"/reseau/{kind}/{ids[0]}").status_code == 200, kind
        assert browser.get(f"/reseau/{kind}/nouveau").status_code == 200, kind
        for state in ("inactifs", "tous"):
            assert browser.get(f"/reseau/{kind}/?etat={state}").status_code == 200
