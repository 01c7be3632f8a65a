"""After the cutoff: allocation, what each role sees of it, and the delivery rounds."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from paniers.allocation import services as allocating
from paniers.allocation.models import AllocationLine, BasketItem, Shortage
from paniers.cycles import services as cycles
from paniers.cycles.states import PARIS
from paniers.delivery.models import Route, UnservedPoint, Vehicle
from paniers.delivery.planning import plan_cycle_routes
from paniers.errors import NotFound, ServiceError
from paniers.extensions import db
from paniers.orders import services as orders
from paniers.points.models import PickupPoint
from producers.models import SupplyOffer
from tests.integration.week import open_week, product, user

SUPPLY = {  # a December week: enough for a few baskets of every format
    "Pomme de terre": 40_000, "Carotte": 25_000, "Poireau": 15_000, "Chou": 12_000,
    "Betterave rouge": 10_000, "Courge": 15_000, "Pomme": 20_000, "Céleri-rave": 8_000,
    "Endive": 10_000, "Mâche": 4_000, "Chou de Bruxelles": 8_000, "Poire": 10_000,
}


def point_id(code: str) -> int:
    return db.session.scalar(select(PickupPoint.id).where(PickupPoint.code == code))


def closed_week(quotas=(4, 4, 2)):
    cycle = open_week(quotas=quotas, supply=SUPPLY)
    household = user("foyer@paniers.demo")
    formats = {f.code: f.id for f in cycle.formats}
    orders.place_order(household, cycle.id, point_id("relay-loos"),
                       orders.Cart({formats["medium"]: 2}, {product("Pomme").id: 2000}))
    orders.place_order(household, cycle.id, point_id("relay-lens"),
                       orders.Cart({formats["small"]: 1}, {}))
    orders.place_order(user("cantine@paniers.demo"), cycle.id, point_id("canteen-loos-school"),
                       orders.Cart({}, {product("Carotte").id: 10_000}),
                       source=orders.OrderSource.CANTEEN)
    cycles.close_cycle(cycle.id)
    return cycle


def test_allocation_composes_baskets_within_tolerance_and_never_oversells(app):
    cycle = closed_week()
    plan = allocating.allocate_cycle(cycle.id)

    assert {c.format_id for c in plan.compositions} == {f.id for f in cycle.formats}
    for composition in plan.compositions:
        fmt = next(f for f in cycle.formats if f.id == composition.format_id)
        assert abs(composition.value_cents - fmt.price_cents) <= fmt.price_cents * 5 // 100
        assert len(composition.items) >= fmt.min_products
    sold: dict[int, int] = {}
    for line in db.session.scalars(select(AllocationLine)):
        sold[line.offer_id] = sold.get(line.offer_id, 0) + line.quantity
    for line in db.session.scalars(select(AllocationLine)):
        assert sold[line.offer_id] <= line.offer.quantity
    db.session.expire_all()
    assert cycles.get_cycle(cycle.id).status == "allocated"


def allocation_rows() -> list[tuple[int, int, int, int]]:
    return sorted((a.offer_id, a.order_line_id or 0, a.basket_format_id or 0, a.quantity)
                  for a in db.session.scalars(select(AllocationLine)))


def test_running_allocation_twice_gives_the_same_plan(app):
    cycle = closed_week()
    allocating.allocate_cycle(cycle.id)
    first = allocation_rows()
    allocating.allocate_cycle(cycle.id)
    second = allocation_rows()
    assert first == second and first


def test_a_short_product_goes_to_the_canteen_first_and_is_refunded_to_the_household(app):
    cycle = open_week(supply={"Carotte": 12_000, **{k: v for k, v in SUPPLY.items()
                                                     if k != "Carotte"}})
    household = user("foyer@paniers.demo")
    line_order = orders.place_order(household, cycle.id, point_id("relay-loos"),
                                    orders.Cart({}, {product("Carotte").id: 5_000}))
    orders.place_order(user("cantine@paniers.demo"), cycle.id, point_id("canteen-loos-school"),
                       orders.Cart({}, {product("Carotte").id: 7_000}),
                       source=orders.OrderSource.CANTEEN)
    # A farm withdraws part of its carrots after the orders: 10 kg left for 12 kg ordered.
    offer = db.session.scalar(select(SupplyOffer).where(
        SupplyOffer.product_id == product("Carotte").id))
    offer.quantity = 10_000
    db.session.commit()
    cycles.close_cycle(cycle.id)
    allocating.allocate_cycle(cycle.id)

    shortages = db.session.scalars(select(Shortage)).all()
    assert [(s.order_line.order_id, s.ordered, s.served) for s in shortages] == [
        (line_order.id, 5_000, 3_000)]
    assert shortages[0].refund_cents == 2 * product("Carotte").reference_price_cents

    assert allocating.publish_allocation(cycle.id) == [line_order.id]
    with pytest.raises(ServiceError, match="publiée"):
        allocating.allocate_cycle(cycle.id)  # the money has moved: the plan is final


def test_every_role_sees_its_part_of_the_plan(app, browser):
    cycle = closed_week()
    allocating.allocate_cycle(cycle.id)

    browser.login("coordination@paniers.demo")
    page = browser.get(f"/coordination/cycles/{cycle.id}/repartition").text
    assert "Panier moyen" in page and "Part de chaque ferme" in page and "Aucun manquant" in page
    listing = browser.get(f"/coordination/cycles/{cycle.id}/colisage/{point_id('relay-loos')}"
                          "?format=csv")
    rows = list(csv.reader(io.StringIO(listing.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Commande", "Foyer", "Paniers"]
    assert rows[1][1] == "Famille Lefebvre" and rows[1][2] == "2 × Panier moyen"
    assert "Pomme" in rows[1][3]

    browser.login("foyer@paniers.demo")
    assert "Dans le panier :" not in browser.get("/mes-commandes").text  # not yet published
    browser.login("coordination@paniers.demo")
    show = f"/coordination/cycles/{cycle.id}/repartition"
    publish = f"/coordination/cycles/{cycle.id}/publier"
    asked = browser.post(publish, form_page=show).text
    assert "Publier la répartition ?" in asked
    assert "Aucun foyer n'a de manquant : personne n'est remboursé." in asked
    assert cycles.get_cycle(cycle.id).published_dt is None
    assert "Répartition publiée" in browser.post(publish, {"confirmed": "1"},
                                                 form_page=show).text
    browser.login("foyer@paniers.demo")
    page = browser.get("/mes-commandes").text
    assert "Dans le panier :" in page

    browser.login("producteur@paniers.demo")
    page = browser.get("/producteur/semaine").text
    assert "Revenu de la semaine" in page and "Pomme de terre" in page

    browser.login("hote@paniers.demo")
    own = browser.get(f"/coordination/cycles/{cycle.id}/colisage/{point_id('relay-loos')}")
    assert own.status_code == 200 and "Famille Lefebvre" in own.text
    other = browser.get(f"/coordination/cycles/{cycle.id}/colisage/{point_id('relay-lens')}")
    assert other.status_code == 403


def test_rounds_serve_every_point_or_say_why(app, browser):
    cycle = closed_week()
    allocating.allocate_cycle(cycle.id)
    result = plan_cycle_routes(cycle.id, time_limit_s=1.0)

    assert result.status.value == "all_served"
    served = {stop.point.code for route in db.session.scalars(select(Route))
              for stop in route.stops}
    assert served == {"relay-loos", "relay-lens", "canteen-loos-school"}
    for route in db.session.scalars(select(Route)):
        for stop in route.stops:
            window = (stop.point.delivery_start_min, stop.point.delivery_end_min)
            local = stop.starts_dt.astimezone(PARIS)
            assert window[0] <= local.hour * 60 + local.minute <= window[1]

    browser.login("coordination@paniers.demo")
    page = browser.get(f"/coordination/cycles/{cycle.id}/tournees").text
    assert "Feuille de route à imprimer" in page and "vendor/leaflet/leaflet.js" in page
    route = next(r for r in db.session.scalars(select(Route))
                 if "relay-loos" in {s.point.code for s in r.stops})
    sheet = browser.get(f"/coordination/cycles/{cycle.id}/tournees/{route.id}/feuille").text
    assert route.vehicle.name in sheet and "Maison des associations" in sheet
    assert "Karim Relais" in sheet  # the host of the Loos relay point, to call on arrival


def test_a_far_point_with_only_the_cargo_bike_is_reported_unserved(app):
    cycle = open_week(supply=SUPPLY)
    formats = {f.code: f.id for f in cycle.formats}
    orders.place_order(user("foyer@paniers.demo"), cycle.id, point_id("city-dunkerque"),
                       orders.Cart({formats["small"]: 1}, {}))
    cycles.close_cycle(cycle.id)
    allocating.allocate_cycle(cycle.id)
    for van in db.session.scalars(select(Vehicle).where(Vehicle.kind == "van")):
        van.active = False
    db.session.commit()

    result = plan_cycle_routes(cycle.id, time_limit_s=1.0)
    assert result.routes == ()
    unserved = db.session.scalars(select(UnservedPoint)).all()
    assert [(u.point.code, u.reason) for u in unserved] == [("city-dunkerque", "too_far")]


def test_the_host_sees_when_the_van_comes_and_the_packing_list(app, browser):
    cycle = closed_week()
    allocating.allocate_cycle(cycle.id)
    plan_cycle_routes(cycle.id, time_limit_s=1.0)
    stop = next(s for r in db.session.scalars(select(Route)) for s in r.stops
                if s.point.code == "relay-loos")
    browser.login("hote@paniers.demo")
    page = browser.get("/relais/").text
    arrival = stop.arrives_dt.astimezone(PARIS).strftime("%H:%M")
    assert f"Livraison prévue à {arrival}" in page
    assert "Liste de colisage" in page


def form_fields(page: str, action: str) -> dict[str, str]:
    """What a browser sends from the page's form posting to ``action``, left as shown."""
    form = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', page, re.S).group(0)
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', options) or re.search(
            r'<option[^>]*value="([^"]*)"', options)
        fields[name] = chosen.group(1)
    return fields


def basket_items(format_id: int) -> dict[int, tuple[int, bool]]:
    db.session.expire_all()
    return {i.product_id: (i.quantity, i.fixed) for i in db.session.scalars(
        select(BasketItem).where(BasketItem.basket_format_id == format_id))}


def test_the_coordinator_sets_a_basket_by_hand_and_an_unreadable_quantity_is_refused(browser):
    cycle = closed_week()
    allocating.allocate_cycle(cycle.id)
    medium = next(f for f in cycle.formats if f.code == "medium")
    show = f"/coordination/cycles/{cycle.id}/repartition"
    action = f"/coordination/cycles/{cycle.id}/formats/{medium.id}/composition"
    add = f"format-{medium.id}-add_"
    browser.login("coordination@paniers.demo")
    shown = form_fields(browser.get(show).html, action)
    rows = {int(v): k.removesuffix("product_id") for k, v in shown.items()
            if k.endswith("-product_id")}
    first, row = next(iter(rows.items()))
    added = next(product(name) for name in SUPPLY if product(name).id not in rows)
    composed = basket_items(medium.id)

    page = browser.post(action, shown | {row + "quantity": "beaucoup", add + "product": added.id,
                                         add + "quantity": "0,3"}, form_page=show)
    assert page.status_code == 200
    assert "Quantité illisible : tapez un nombre, par exemple 2,5." in page.text
    typed = form_fields(page.html, action)
    assert typed[row + "quantity"] == "beaucoup" and typed[add + "quantity"] == "0,3"
    assert basket_items(medium.id) == composed

    page = browser.post(action, shown | {row + "quantity": "1,25", add + "product": added.id,
                                         add + "quantity": "0.3 kg"}, form_page=show)
    assert "Composition fixée à la main" in page.text
    fixed = basket_items(medium.id)
    assert set(fixed) == set(rows) | {added.id}
    assert fixed[first] == (1250, True) and fixed[added.id] == (300, True)
    assert form_fields(page.html, action)[row + "quantity"] == "1,25"

    tampered = form_fields(page.html, action) | {row + "product_id": "99999"}
    page = browser.post(action, tampered, form_page=show)
    assert page.status_code == 200 and "Produit inconnu." in page.text
    page = browser.post(action, form_fields(page.html, action) | {add + "quantity": "2"},
                        form_page=show)
    assert "Choisissez le produit à ajouter." in page.text
    assert basket_items(medium.id) == fixed

    page = browser.post(action, form_fields(browser.get(show).html, action)
                        | {f"format-{medium.id}-release": "1"}, form_page=show)
    assert "La composition sera recalculée" in page.text
    assert basket_items(medium.id) == {}


def test_a_hand_set_basket_is_released_only_in_its_own_cycle_and_before_publication(browser):
    cycle = closed_week()
    medium = next(f for f in cycle.formats if f.code == "medium")
    allocating.set_composition(cycle.id, medium.id, [(product("Pomme").id, 2000)])
    allocating.allocate_cycle(cycle.id)
    fixed = basket_items(medium.id)
    assert fixed[product("Pomme").id][1] is True
    show = f"/coordination/cycles/{cycle.id}/repartition"
    action = f"/coordination/cycles/{cycle.id}/formats/{medium.id}/composition"
    browser.login("coordination@paniers.demo")
    release = form_fields(browser.get(show).html, action) | {f"format-{medium.id}-release": "1"}

    next_week = open_week(delivery=cycle.delivery_date + timedelta(days=7),
                          supply={"Pomme de terre": 1000})
    elsewhere = f"/coordination/cycles/{next_week.id}/formats/{medium.id}/composition"
    page = browser.post(elsewhere, release, form_page=show)
    assert "Ce format de panier n'existe pas." in page.text
    assert basket_items(medium.id) == fixed
    with pytest.raises(NotFound):
        allocating.release_composition(next_week.id, medium.id)

    allocating.publish_allocation(cycle.id)
    page = browser.post(action, release, form_page=show)
    assert "La répartition est publiée : elle ne peut plus être relancée." in page.text
    assert "La composition sera recalculée" not in page.text
    assert basket_items(medium.id) == fixed


def test_publishing_says_who_will_be_refunded_and_how_much_before_it_acts(app, browser):
    cycle = open_week(supply={"Carotte": 12_000, **{k: v for k, v in SUPPLY.items()
                                                     if k != "Carotte"}})
    orders.place_order(user("foyer@paniers.demo"), cycle.id, point_id("relay-loos"),
                       orders.Cart({}, {product("Carotte").id: 5_000}))
    offer = db.session.scalar(select(SupplyOffer).where(
        SupplyOffer.product_id == product("Carotte").id))
    offer.quantity = 3_000  # 3 kg left of the 5 ordered: 2 kg refunded
    db.session.commit()
    cycles.close_cycle(cycle.id)
    allocating.allocate_cycle(cycle.id)
    refund = 2 * product("Carotte").reference_price_cents

    browser.login("coordination@paniers.demo")
    show = f"/coordination/cycles/{cycle.id}/repartition"
    asked = browser.post(f"/coordination/cycles/{cycle.id}/publier", form_page=show).text
    euros = f"{refund // 100},{refund % 100:02d}\xa0€"
    assert f"1 foyer sera prévenu d'un manquant et remboursé de {euros} en tout." in asked
    assert "Une répartition publiée ne se retire pas." in asked
    db.session.expire_all()
    assert cycles.get_cycle(cycle.id).published_dt is None


def test_the_allocation_page_says_it_starts_as_soon_as_the_cycle_closes(app, browser):
    cycle = open_week(supply=SUPPLY)
    cycles.close_cycle(cycle.id)  # closed, its job not recorded yet by a worker
    browser.login("coordination@paniers.demo")
    page = browser.get(f"/coordination/cycles/{cycle.id}/repartition").text
    assert "La répartition démarre…" in page
    assert re.search(r"<button disabled>\s*Lancer la répartition", page)
    assert '<meta http-equiv="refresh"' in page
