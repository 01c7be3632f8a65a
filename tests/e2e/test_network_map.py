"""A coordinator adds a relay point from a phone, placing it with a tap on the map: the
map shows the network's places and works without any tile server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import csp_violations
from tests.e2e.test_household_orders import PASSWORD, assert_fits_the_phone
from tests.support.services import closed_port


@pytest.fixture()
def network_pages(e2e_app: Any, live_server: Callable[[Any], str]) -> str:
    # A tile server that does not answer: placing a point must work all the same.
    e2e_app.config["MAP_TILE_URL"] = f"http://127.0.0.1:{closed_port()}/{{z}}/{{x}}/{{y}}.png"
    return live_server(e2e_app)


@pytest.mark.browser
def test_a_coordinator_places_a_new_point_with_a_tap_on_the_map(
        network_pages: str, e2e_app: Any, phone: Any, artifacts: Path) -> None:
    page = phone
    refused = csp_violations(page)
    page.goto(network_pages + "/connexion")
    page.get_by_label("Adresse e-mail").fill("coordination@paniers.demo")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    page.get_by_role("navigation").get_by_role("link", name="Réseau").click()
    page.get_by_role("main").get_by_role("link", name="Points de retrait").first.click()
    page.get_by_role("link", name="Nouveau point").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau point")
    places = page.locator("#position-map .leaflet-overlay-pane path")
    expect(places.first).to_be_visible()
    assert places.count() >= 10  # the hub, the farms and the points already there
    assert_fits_the_phone(page)

    page.get_by_label("Nom du point").fill("Épicerie solidaire du 12")
    page.get_by_label("Type de point").select_option("shop")
    page.get_by_label("Commune").fill("Loos-en-Gohelle")
    latitude, longitude = page.get_by_label("Latitude"), page.get_by_label("Longitude")
    expect(latitude).to_have_value("")
    page.locator("#position-map").click(position={"x": 190, "y": 130})
    expect(latitude).not_to_have_value("")
    expect(page.locator("[data-role=chosen-position]")).to_be_visible()
    picked = (latitude.input_value(), longitude.input_value())
    assert "," in picked[0]  # written the French way

    page.get_by_label("Livraison possible de (HH:MM)").fill("13:00")
    page.locator("#delivery_end_min").fill("15:00")
    page.get_by_label("Retrait des paniers de (HH:MM)").fill("16:30")
    page.locator("#pickup_end_min").fill("19:00")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Ajouté au réseau : Épicerie solidaire du 12")
    assert page.locator("#position-map .leaflet-tile-loaded").count() == 0  # no tile came
    assert refused == []  # the map runs under the Content-Security-Policy
    page.screenshot(path=str(artifacts / "network-new-point.png"), full_page=True)
    page.get_by_role("link", name="← Points de retrait").click()
    expect(page.get_by_role("link", name="Épicerie solidaire du 12")).to_be_visible()
    assert_fits_the_phone(page)
    page.get_by_role("main").get_by_role("link", name="Réseau", exact=True).click()
    expect(page.locator("#position-map .leaflet-overlay-pane path").first).to_be_visible()
    assert_fits_the_phone(page)
    page.screenshot(path=str(artifacts / "network-index.png"), full_page=True)

    from sqlalchemy import select

    from paniers.extensions import db
    from paniers.points.models import PickupPoint

    with e2e_app.app_context():
        point = db.session.scalar(select(PickupPoint).where(
            PickupPoint.name == "Épicerie solidaire du 12"))
        assert point is not None and point.kind == "shop" and point.orderable
        assert (round(point.lat, 5), round(point.lon, 5)) == tuple(
            float(value.replace(",", ".")) for value in picked)
        # in the Hauts-de-France, where the map shows the network (suppliers up to the coast)
        assert 49.9 < point.lat < 51.1 and 1.5 < point.lon < 4.3
        db.session.remove()
