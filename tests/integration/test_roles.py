"""The farmer, coordinator, host and canteen journeys, and what each may not do."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from paniers.collation import sort_key
from paniers.cycles import services as cycles
from paniers.cycles.models import OrderCycle
from paniers.cycles.states import PARIS, default_cutoff
from paniers.extensions import db
from paniers.orders import services as orders
from paniers.orders.models import Order, OrderSource, OrderStatus
from paniers.points.models import PickupPoint
from producers import services as producers
from producers.models import Farm, Product, SupplyOffer
from tests.integration.week import delivered_today, open_week, product, stock, user
from tests.support.accounts import register_confirmed


def supply_form(browser, quantities: dict[str, tuple[str, str]], confirm: tuple[str, ...] = ()):
    page = browser.get("/producteur/offre").html
    data = {}
    for i, pid in re.findall(r'name="lines-(\d+)-product_id" type="hidden" value="(\d+)"', page):
        name = db.session.get(Product, int(pid)).name
        quantity, price = quantities.get(name, ("", ""))
        data |= {f"lines-{i}-product_id": pid, f"lines-{i}-quantity": quantity,
                 f"lines-{i}-price": price}
        if name in confirm:
            data[f"lines-{i}-confirmed"] = "y"
    return data


def farm_offers(farm_code: str) -> dict[str, int]:
    db.session.expire_all()
    farm = db.session.scalar(select(Farm).where(Farm.code == farm_code))
    return {o.product.name: o.quantity
            for o in db.session.scalars(select(SupplyOffer).where(SupplyOffer.farm_id == farm.id))}


def test_farmer_declares_corrects_and_withdraws_supply(browser):
    cycle = open_week(supply={})
    browser.login("producteur@paniers.demo")
    page = browser.post("/producteur/offre", supply_form(
        browser, {"Pomme de terre": ("120,5", "2,40"), "Œufs": ("30", "4.80")}))
    assert "Votre offre est enregistrée" in page.text
    assert farm_offers("farm-marais") == {"Pomme de terre": 120_500, "Œufs": 30}
    assert stock(cycle.id, "Pomme de terre").declared == 120_500
    assert stock(cycle.id, "Pomme de terre").price_cents == 240

    browser.post("/producteur/offre", supply_form(browser, {"Pomme de terre": ("100", "2,50")}))
    assert farm_offers("farm-marais") == {"Pomme de terre": 100_000}
    assert stock(cycle.id, "Œufs").declared == 0


def test_farmer_input_errors_are_explained_and_change_nothing(browser):
    cycle = open_week(supply={})
    browser.login("producteur@paniers.demo")
    for quantities, message in [
        ({"Pomme de terre": ("-3", "2,40")}, "La quantité ne peut pas être négative."),
        ({"Pomme de terre": ("900000", "2,40")}, "la quantité doit être positive et réaliste"),
        ({"Pomme de terre": ("12", "abc")}, "Montant illisible"),
        ({"Pomme de terre": ("12", "0")}, "le prix doit être positif"),
        ({"Œufs": ("2,5", "4,80")}, "ce produit se vend à la douzaine"),  # eggs: by the dozen
    ]:
        page = browser.post("/producteur/offre", supply_form(browser, quantities))
        assert message in page.text, message
    assert farm_offers("farm-marais") == {}
    assert stock(cycle.id, "Pomme de terre").declared == 0


def test_an_empty_price_is_the_reference_price(browser):
    cycle = open_week(supply={})
    browser.login("producteur@paniers.demo")
    page = browser.post("/producteur/offre", supply_form(browser, {"Pomme de terre": ("12", "")}))
    assert "Votre offre est enregistrée" in page.text
    reference = product("Pomme de terre").reference_price_cents
    assert stock(cycle.id, "Pomme de terre").price_cents == reference
    offer = db.session.scalar(select(SupplyOffer).where(SupplyOffer.cycle_id == cycle.id))
    assert (offer.quantity, offer.price_cents) == (12_000, reference)


def test_every_wrong_row_is_told_next_to_itself_at_once(browser):
    open_week(supply={}, delivery=date(date.today().year + 1, 1, 8))  # January: no tomatoes
    browser.login("producteur@paniers.demo")
    page = browser.post("/producteur/offre", supply_form(browser, {
        "Pomme de terre": ("900000", "2,40"), "Carotte": ("10", "0"), "Tomate": ("10", "4,40"),
        "Poireau": ("5", "3,10")}))
    rows = {name: row for name, row in re.findall(
        r'<tr[^>]*>\s*<td><input[^>]*>([^<]+)</td>(.*?)</tr>', page.text, re.S)}
    assert "la quantité doit être positive et réaliste" in rows["Pomme de terre"]
    assert "le prix doit être positif et réaliste" in rows["Carotte"]
    assert "Tomate n'est pas de saison" in rows["Tomate"]
    assert "field-error" not in rows["Poireau"]
    assert 'value="900000"' in page.text  # what was typed comes back, to be corrected
    assert farm_offers("farm-marais") == {}


def test_the_offer_starts_from_last_weeks_with_prices_kept_and_quantities_to_check(browser):
    last_week = open_week(supply={})
    browser.login("producteur@paniers.demo")
    browser.post("/producteur/offre", supply_form(
        browser, {"Pomme de terre": ("90,5", "2,60"), "Poireau": ("12", "")}))
    cycles.close_cycle(last_week.id)
    next_delivery = last_week.delivery_date + timedelta(days=7)
    this_week = open_week(supply={}, delivery=next_delivery)

    page = browser.get("/producteur/offre").text
    assert "est reprise : vérifiez chaque quantité" in page
    assert 'value="90,5"' in page and 'value="2,60"' in page
    assert stock(this_week.id, "Pomme de terre").declared == 0  # nothing saved yet
    saved = browser.post("/producteur/offre", supply_form(
        browser, {"Pomme de terre": ("80", "2,60"), "Poireau": ("12", "3,10")}))
    assert "Votre offre est enregistrée" in saved.text
    assert stock(this_week.id, "Pomme de terre").declared == 80_000
    assert "est reprise" not in browser.get("/producteur/offre").text


def test_products_are_in_french_alphabetical_order(browser):
    open_week(supply={})
    browser.login("producteur@paniers.demo")
    page = browser.get("/producteur/offre").text
    names = re.findall(r'type="hidden" value="\d+">([^<]+)</td>', page)
    assert names == sorted(names, key=sort_key)
    assert names.index("Carotte") < names.index("Épinard") < names.index("Tomate")


def test_out_of_season_produce_needs_confirmation(browser):
    open_week(supply={}, delivery=date(date.today().year + 1, 1, 8))  # January: no tomatoes
    browser.login("producteur@paniers.demo")
    page = browser.post("/producteur/offre", supply_form(browser, {"Tomate": ("10", "4,40")}))
    assert "Tomate n'est pas de saison" in page.text
    assert farm_offers("farm-marais") == {}
    browser.post("/producteur/offre",
                 supply_form(browser, {"Tomate": ("10", "4,40")}, confirm=("Tomate",)))
    assert farm_offers("farm-marais") == {"Tomate": 10_000}


def test_farmer_cannot_withdraw_what_households_bought(browser):
    cycle = open_week(supply={"Pomme de terre": 5000})
    orders.place_order(user("foyer@paniers.demo"), cycle.id, user("foyer@paniers.demo").point_id,
                       orders.Cart({}, {product("Pomme de terre").id: 4000}))
    browser.login("producteur@paniers.demo")
    page = browser.post("/producteur/offre",
                        supply_form(browser, {"Pomme de terre": ("3", "2,40")}))
    assert "vous ne pouvez pas la retirer" in page.text
    assert farm_offers("farm-marais") == {"Pomme de terre": 5000}


def test_a_farmer_only_ever_changes_their_own_farm(browser):
    cycle = open_week(supply={})
    other = db.session.scalar(select(Farm).where(Farm.code == "farm-terrils"))
    db.session.add(SupplyOffer(cycle_id=cycle.id, farm_id=other.id,
                               product_id=product("Carotte").id, quantity=7000, price_cents=230))
    db.session.commit()
    browser.login("producteur@paniers.demo")
    browser.post("/producteur/offre", supply_form(browser, {"Pomme de terre": ("10", "2,40")}))
    assert farm_offers("farm-terrils") == {"Carotte": 7000}
    assert browser.get("/coordination/cycles").status_code == 403
    assert "Vous n'avez pas accès" in browser.get("/coordination/cycles").text


def test_coordinator_creates_opens_and_closes_a_cycle(browser):
    browser.login("coordination@paniers.demo")
    delivery = date.today() + timedelta(days=10)
    cutoff = (delivery - timedelta(days=2)).isoformat() + "T06:00"
    page = browser.post("/coordination/cycles", {
        "delivery_date": delivery.isoformat(), "cutoff": cutoff,
        "quota_small": "30", "quota_medium": "40", "quota_large": "20"})
    assert "Cycle créé" in page.text
    cycle = db.session.scalar(select(OrderCycle).where(OrderCycle.delivery_date == delivery))
    assert [(f.code, f.price_cents, f.quota) for f in cycle.formats] == [
        ("small", 1200, 30), ("medium", 1800, 40), ("large", 2400, 20)]

    show = f"/coordination/cycles/{cycle.id}"
    # No farm has declared anything: opening asks first, and says what is missing.
    asked = browser.post(show + "/ouvrir", form_page=show).text
    assert "Ouvrir aux commandes avec cette offre ?" in asked
    assert "Aucune ferme n'a encore déclaré son offre" in asked
    db.session.expire_all()
    assert db.session.get(OrderCycle, cycle.id).status == "draft"
    opened = browser.post(show + "/ouvrir", {"confirmed": "1"}, form_page=show).text
    assert "Le cycle est ouvert" in opened

    # Closing says what it does and that it cannot be undone, then closes.
    asked = browser.post(show + "/clore", form_page=show).text
    assert "Clore les commandes ?" in asked and "Un cycle clos ne se rouvre pas." in asked
    db.session.expire_all()
    assert db.session.get(OrderCycle, cycle.id).status == "open"
    closed = browser.post(show + "/clore", {"confirmed": "1"}, form_page=show).text
    assert "Le cycle est clos" in closed
    again = browser.post(show + "/clore", {"confirmed": "1"}, form_page=show).text
    assert "Impossible : le cycle est « clos »" in again
    db.session.expire_all()
    assert db.session.get(OrderCycle, cycle.id).status == "closed"


def test_opening_with_enough_supply_asks_nothing(browser):
    draft = cycles.create_cycle(date.today() + timedelta(days=10),
                                datetime.combine(date.today() + timedelta(days=8), time(6),
                                                 PARIS),
                                [cycles.FormatSpec("small", 1200, 3000, 10)])
    producers.declare_supply(user("producteur@paniers.demo"), draft.id, [producers.SupplyLine(
        product("Pomme de terre").id, 50_000, 240)])  # 50 kg for 10 baskets of 3 kg
    browser.login("coordination@paniers.demo")
    show = f"/coordination/cycles/{draft.id}"
    assert "Le cycle est ouvert" in browser.post(show + "/ouvrir", form_page=show).text


def test_a_thin_offer_is_told_in_figures_before_opening(browser):
    draft = cycles.create_cycle(date.today() + timedelta(days=10),
                                datetime.combine(date.today() + timedelta(days=8), time(6),
                                                 PARIS),
                                [cycles.FormatSpec("medium", 1800, 4500, 40)])
    producers.declare_supply(user("producteur@paniers.demo"), draft.id, [producers.SupplyLine(
        product("Pomme de terre").id, 50_000, 240)])
    browser.login("coordination@paniers.demo")
    show = f"/coordination/cycles/{draft.id}"
    asked = browser.post(show + "/ouvrir", form_page=show).text
    assert "1 ferme sur" in asked and "a déclaré son offre" in asked
    assert "50 kg en tout, quand les quotas de paniers en demandent 180 kg." in asked


def test_the_new_cycle_form_is_filled_with_the_next_friday_and_its_cutoff(browser):
    browser.login("coordination@paniers.demo")
    page = browser.get("/coordination/cycles").html
    delivery = date.fromisoformat(re.search(
        r'name="delivery_date"[^>]*value="([\d-]+)"', page).group(1))
    assert delivery.weekday() == 4 and delivery > date.today()
    cutoff = re.search(r'name="cutoff"[^>]*value="([\dT:-]+)"', page).group(1)
    assert cutoff == (delivery - timedelta(days=2)).isoformat() + "T06:00"

    # Left empty, the cutoff is that default; a cutoff after the vans leave is refused
    # next to the cutoff, not the date.
    refused = browser.post("/coordination/cycles", {
        "delivery_date": delivery.isoformat(), "cutoff": delivery.isoformat() + "T09:00",
        "quota_small": "1", "quota_medium": "1", "quota_large": "1"}).html
    assert re.search(r'name="cutoff".*?field-error[^>]*>La date limite doit précéder', refused,
                     re.S)
    browser.post("/coordination/cycles", {
        "delivery_date": delivery.isoformat(), "cutoff": "",
        "quota_small": "1", "quota_medium": "1", "quota_large": "1"})
    created = db.session.scalar(select(OrderCycle).where(OrderCycle.delivery_date == delivery))
    assert created.cutoff_dt == default_cutoff(delivery)


def test_a_cycle_with_a_cutoff_in_the_past_is_refused(browser):
    browser.login("coordination@paniers.demo")
    delivery = date.today() + timedelta(days=1)
    page = browser.post("/coordination/cycles", {
        "delivery_date": delivery.isoformat(),
        "cutoff": (date.today() - timedelta(days=1)).isoformat() + "T06:00",
        "quota_small": "1", "quota_medium": "1", "quota_large": "1"})
    assert "La date limite de commande est déjà passée" in page.text
    assert db.session.scalar(select(OrderCycle.id)) is None


def test_dashboard_shows_supply_against_orders(browser):
    cycle = open_week(supply={"Pomme de terre": 50_000})
    household = user("foyer@paniers.demo")
    orders.place_order(household, cycle.id, household.point_id,
                       orders.Cart({}, {product("Pomme de terre").id: 2000}))
    browser.login("coordination@paniers.demo")
    page = browser.get(f"/coordination/cycles/{cycle.id}").text
    assert "50 kg" in page and "48 kg" in page and "Ferme du Marais" in page
    assert "Maison des associations" in page


def place(email: str, cycle_id: int, point_code: str) -> Order:
    point_id = db.session.scalar(select(PickupPoint.id).where(PickupPoint.code == point_code))
    return orders.place_order(user(email), cycle_id, point_id, orders.Cart({}, {
        product("Œufs").id: 1}))


def test_host_checks_pickups_off_at_their_point_only(browser, other_browser):
    cycle = open_week()
    register_confirmed("lens@example.org", "Famille Lens", "motdepasse-long")
    here = place("foyer@paniers.demo", cycle.id, "relay-loos")
    elsewhere = place("lens@example.org", cycle.id, "relay-lens")
    cycles.close_cycle(cycle.id)
    delivered_today(cycle)
    browser.login("hote@paniers.demo")

    page = browser.get("/relais/").text
    assert "Famille Lefebvre" in page and "Famille Lens" not in page
    assert "0 remise" in page and "1 restante" in page
    page = browser.post(f"/relais/commandes/{here.id}/remise", form_page="/relais/").text
    assert "1 remise" in page and "0 restante" in page

    refused = browser.post(f"/relais/commandes/{elsewhere.id}/remise", form_page="/relais/")
    assert "Vous ne voyez que les commandes de votre point relais" in refused.text
    assert browser.get(f"/relais/?point={elsewhere.point_id}").status_code == 403
    db.session.expire_all()
    assert db.session.get(Order, elsewhere.id).status == OrderStatus.PLACED

    other_browser.login("coordination@paniers.demo")
    second = other_browser.post(f"/relais/commandes/{here.id}/remise", form_page="/relais/")
    assert "déjà été remise" in second.text


def test_host_searches_by_name(browser):
    cycle = open_week()
    register_confirmed("martin@example.org", "Famille Martin", "motdepasse-long")
    place("foyer@paniers.demo", cycle.id, "relay-loos")
    place("martin@example.org", cycle.id, "relay-loos")
    browser.login("hote@paniers.demo")
    page = browser.get("/relais/?q=mart").text
    assert "Famille Martin" in page and "Famille Lefebvre" not in page


def test_canteen_manager_orders_by_weight_for_the_canteen(browser):
    cycle = open_week(supply={"Pomme de terre": 80_000})
    browser.login("cantine@paniers.demo")
    page = browser.get("/cantine/commande").html
    wanted = product("Pomme de terre").id
    index = re.search(rf'name="products-(\d+)-product_id" type="hidden" value="{wanted}"',
                      page).group(1)
    page = browser.post("/cantine/commande", {f"products-{index}-product_id":
                                              product("Pomme de terre").id,
                                              f"products-{index}-quantity": "36,5"}).text
    assert "de la cantine enregistrée" in page
    order = db.session.scalar(select(Order).where(Order.cycle_id == cycle.id))
    assert order.source == OrderSource.CANTEEN and order.canteen_id == user(
        "cantine@paniers.demo").canteen_id
    assert order.point.code == "canteen-loos-school"
    assert stock(cycle.id, "Pomme de terre").sold == 36_500


def test_households_cannot_order_for_a_canteen_and_canteens_cannot_take_baskets(app):
    cycle = open_week()
    manager = user("cantine@paniers.demo")
    fmt = cycle.formats[0]
    try:
        orders.place_order(manager, cycle.id, 1, orders.Cart({fmt.id: 1}, {}),
                           source=OrderSource.CANTEEN)
    except orders.ServiceError as error:
        assert "pas des paniers" in str(error)
    else:
        raise AssertionError("a canteen ordered a basket")
    assert db.session.scalar(select(Order.id)) is None


def supply_row(page: str, name: str) -> str:
    """The supply form's row of a product, as the page shows it."""
    return re.search(rf'name="lines-\d+-product_id" type="hidden" value="{product(name).id}">'
                     r".*?</tr>", page, re.S).group(0)


def test_farmer_prices_in_euros_are_kept_in_cents_and_shown_back_the_french_way(browser):
    cycle = open_week(supply={})
    browser.login("producteur@paniers.demo")
    page = browser.post("/producteur/offre", supply_form(
        browser, {"Ail": ("90,5", "12,50")}, confirm=("Ail",)))
    assert "Votre offre est enregistrée" in page.text
    db.session.expire_all()
    offer = db.session.scalar(select(SupplyOffer).where(SupplyOffer.cycle_id == cycle.id))
    assert (offer.product.name, offer.quantity, offer.price_cents) == ("Ail", 90_500, 1250)

    row = supply_row(browser.get("/producteur/offre").html, "Ail")
    assert 'value="90,5"' in row and 'value="12,50"' in row


def test_farmer_input_errors_stand_beside_their_field_and_keep_the_rest(browser):
    open_week(supply={})
    browser.login("producteur@paniers.demo")
    page = browser.post("/producteur/offre", supply_form(
        browser, {"Pomme de terre": ("12", "2,4O"), "Carotte": ("8.5", "2.30")}))
    potatoes = supply_row(page.html, "Pomme de terre")
    assert "Montant illisible" in html.unescape(potatoes) and 'value="2,4O"' in potatoes
    carrots = supply_row(page.html, "Carotte")
    assert 'value="8,5"' in carrots and 'value="2,30"' in carrots
    assert "field-error" not in carrots
    assert farm_offers("farm-marais") == {}


def canteen_order_form(browser, quantities: dict[str, str]) -> dict[str, str]:
    page = browser.get("/cantine/commande").html
    data = {}
    for i, pid in re.findall(r'name="products-(\d+)-product_id" type="hidden" value="(\d+)"', page):
        data[f"products-{i}-product_id"] = pid
        data[f"products-{i}-quantity"] = quantities.get(db.session.get(Product, int(pid)).name, "")
    return data


def test_a_canteen_quantity_that_cannot_be_read_is_refused_beside_it(browser):
    cycle = open_week(supply={"Pomme de terre": 80_000, "Œufs": 10})
    browser.login("cantine@paniers.demo")
    page = browser.post("/cantine/commande",
                        canteen_order_form(browser, {"Pomme de terre": "36,5", "Œufs": "2,5"}))
    assert page.status_code == 200
    assert "Nombre entier attendu : ce produit se vend à la douzaine." in page.text
    assert 'value="36,5"' in page.html
    assert db.session.scalar(select(Order.id).where(Order.cycle_id == cycle.id)) is None

    tampered = canteen_order_form(browser, {"Pomme de terre": "36,5"})
    tampered[next(k for k in tampered if k.endswith("product_id"))] = "99999"
    tampered[next(k for k in tampered if k.endswith("quantity"))] = "3"
    page = browser.post("/cantine/commande", tampered)
    assert page.status_code == 200 and "Produit inconnu." in page.text
    assert stock(cycle.id, "Pomme de terre").sold == 0
