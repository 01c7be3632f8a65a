"""The coordinator's map of the rounds: points and lines drawn even when no tile loads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import csp_violations
from tests.e2e.test_household_orders import PASSWORD
from tests.support.services import closed_port


@pytest.fixture()
def routed_week(e2e_app: Any, live_server: Callable[[Any], str]) -> tuple[str, int]:
    from paniers.allocation import services as allocating
    from paniers.cycles import services as cycles
    from paniers.delivery.planning import plan_cycle_routes
    from paniers.extensions import db
    from paniers.orders import services as orders
    from tests.integration.test_week_plan import SUPPLY, point_id
    from tests.integration.week import open_week, user

    # A tile server that does not answer: the map must still show the rounds.
    e2e_app.config["MAP_TILE_URL"] = f"http://127.0.0.1:{closed_port()}/{{z}}/{{x}}/{{y}}.png"
    with e2e_app.app_context():
        cycle = open_week(quotas=(4, 4, 2), supply=SUPPLY)
        small = cycle.formats[0].id
        for code in ("relay-loos", "relay-lens", "relay-bully"):
            orders.place_order(user("foyer@paniers.demo"), cycle.id, point_id(code),
                               orders.Cart({small: 1}, {}))
        cycles.close_cycle(cycle.id)
        allocating.allocate_cycle(cycle.id)
        plan_cycle_routes(cycle.id, time_limit_s=1.0)
        cycle_id = cycle.id
        db.session.remove()
    return live_server(e2e_app), cycle_id


@pytest.mark.browser
def test_the_rounds_show_on_the_map_without_tiles(routed_week: tuple[str, int], chromium: Any,
                                                  artifacts: Path) -> None:
    base, cycle_id = routed_week
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    refused = csp_violations(page)
    page.goto(base + "/connexion")
    page.get_by_label("Adresse e-mail").fill("coordination@paniers.demo")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    page.goto(f"{base}/coordination/cycles/{cycle_id}/tournees")

    expect(page.get_by_role("heading", level=1)).to_have_text("Tournées de livraison")
    vectors = page.locator("#map .leaflet-overlay-pane path")
    # The hub, three points, and at least one round's line.
    expect(vectors.first).to_be_visible()
    assert vectors.count() >= 5
    assert page.locator("#map .leaflet-tile-loaded").count() == 0  # no tile came
    # Every stop is labelled with its order and name, the hub is named, and a legend
    # gives each round's colour.
    labels = page.locator("#map .leaflet-tooltip")
    expect(labels.filter(has_text="Plateforme de tri et de colisage")).to_have_count(1)
    expect(labels.filter(has_text="1. ").first).to_be_visible()
    legend = page.locator("ul.legend")
    expect(legend).to_contain_text("Plateforme : Plateforme de tri et de colisage")
    swatch = legend.locator(".swatch[data-colour]").first
    colour = swatch.get_attribute("data-colour")
    assert swatch.evaluate("s => getComputedStyle(s).backgroundColor") != "rgb(153, 153, 153)"
    assert colour and colour.startswith("#")
    assert refused == []  # the map runs under the Content-Security-Policy
    page.screenshot(path=str(artifacts / "rounds-map.png"), full_page=True)
    page.close()


PAYLOAD = '<img src=x onerror="window.pwned=1">'


@pytest.mark.browser
def test_names_with_html_show_as_text_on_the_map(routed_week: tuple[str, int],
                                                 e2e_app: Any, chromium: Any) -> None:
    from sqlalchemy import select

    from paniers.delivery.models import Route
    from paniers.extensions import db

    base, cycle_id = routed_week
    with e2e_app.app_context():
        route = db.session.scalars(select(Route).where(Route.cycle_id == cycle_id)).first()
        route.vehicle.name = PAYLOAD
        route.stops[0].point.name = PAYLOAD
        db.session.commit()
        db.session.remove()
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base + "/connexion")
    page.get_by_label("Adresse e-mail").fill("coordination@paniers.demo")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    page.goto(f"{base}/coordination/cycles/{cycle_id}/tournees")

    tooltips = page.locator("#map .leaflet-tooltip")
    expect(tooltips.filter(has_text=PAYLOAD).first).to_be_visible()  # the stop's label
    expect(page.locator("ul.legend")).to_contain_text(PAYLOAD)  # the round in the legend
    assert page.locator("#map .leaflet-tooltip img, ul.legend img").count() == 0
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.pwned") == "undefined"
    page.close()
