"""The household's journey through the real forms (CSRF on)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlalchemy import func, select

from paniers.accounts.models import User
from paniers.cycles import services as cycles
from paniers.extensions import db
from paniers.formatting import long_date
from paniers.orders import services as orders
from paniers.orders.models import Order, OrderStatus
from paniers.points.models import PickupPoint
from producers.models import Product
from tests.integration.week import DELIVERY, basket, open_week, product, stock
from tests.support.accounts import confirmation_link, register_confirmed


def order_form(browser, cycle, *, point_code="relay-loos", baskets=None, products=None):
    """The catalogue form filled like a person: every row sent, most left empty."""
    page = browser.get("/catalogue").html
    data = {"point": db.session.scalar(
        select(PickupPoint.id).where(PickupPoint.code == point_code))}
    for i, fid in re.findall(r'name="baskets-(\d+)-format_id" type="hidden" value="(\d+)"', page):
        data[f"baskets-{i}-format_id"] = fid
        code = next(f.code for f in cycle.formats if f.id == int(fid))
        data[f"baskets-{i}-count"] = (baskets or {}).get(code, 0)
    for i, pid in re.findall(r'name="products-(\d+)-product_id" type="hidden" value="(\d+)"', page):
        data[f"products-{i}-product_id"] = pid
        name = db.session.get(Product, int(pid)).name
        data[f"products-{i}-quantity"] = (products or {}).get(name, "")
    data["confirmed"] = "1"  # past the summary step (test_the_household_sees_a_summary_...)
    return data


def live_orders(cycle_id):
    db.session.expire_all()
    return db.session.scalar(select(func.count(Order.id)).where(
        Order.cycle_id == cycle_id, Order.status == OrderStatus.PLACED))


def test_household_orders_a_basket_and_produce_and_sees_it(browser):
    cycle = open_week()
    browser.login("foyer@paniers.demo")
    page = browser.get("/catalogue").get_data(as_text=True)
    assert "Petit panier" in page and "12,00\xa0€" in page
    assert "Loos-en-Gohelle" in page and "16:30–19:00" in page

    data = order_form(browser, cycle, baskets={"medium": 1}, products={"Pomme de terre": "2,5"})
    page = browser.post("/catalogue", data).get_data(as_text=True)

    assert "enregistrée" in page
    assert "Panier moyen" in page and "2,5 kg Pomme de terre" in page
    assert "24,00\xa0€" in page  # 18,00 € + 2,5 kg at 2,40 €
    assert basket(cycle.id, "medium").sold == 1
    assert stock(cycle.id, "Pomme de terre").sold == 2500


def test_ordering_more_than_available_is_refused_and_changes_nothing(browser):
    cycle = open_week(supply={"Pomme de terre": 3000})
    browser.login("foyer@paniers.demo")
    data = order_form(browser, cycle, baskets={"small": 1}, products={"Pomme de terre": "4"})
    page = browser.post("/catalogue", data).get_data(as_text=True)

    assert "Pomme de terre : plus assez de stock, il reste 3 kg." in page
    assert stock(cycle.id, "Pomme de terre").sold == 0
    assert basket(cycle.id, "small").sold == 0  # the basket line was rolled back too
    assert live_orders(cycle.id) == 0


def test_two_households_want_the_last_basket_one_gets_it(browser, other_browser):
    cycle = open_week(quotas=(1, 0, 0))
    register_confirmed("voisin@example.org", "Voisins", "motdepasse-long")
    browser.login("foyer@paniers.demo")
    other_browser.login("voisin@example.org", "motdepasse-long")
    first = order_form(browser, cycle, baskets={"small": 1})
    second = order_form(other_browser, cycle, baskets={"small": 1})

    assert "enregistrée" in browser.post("/catalogue", first).get_data(as_text=True)
    refused = other_browser.post("/catalogue", second).get_data(as_text=True)
    assert "Plus aucun panier de ce format" in refused
    assert basket(cycle.id, "small").sold == 1
    assert live_orders(cycle.id) == 1


def test_an_order_after_the_cutoff_is_refused(browser, app):
    from datetime import timedelta

    from paniers.cycles.models import OrderCycle
    from paniers.types import utcnow

    cycle = open_week()
    browser.login("foyer@paniers.demo")
    data = order_form(browser, cycle, baskets={"small": 1})
    db.session.get(OrderCycle, cycle.id).cutoff_dt = utcnow() - timedelta(minutes=1)
    db.session.commit()

    page = browser.post("/catalogue", data).get_data(as_text=True)
    assert "Les commandes de cette semaine sont closes" in page
    assert basket(cycle.id, "small").sold == 0


def test_cancelling_before_the_cutoff_puts_the_stock_back(browser):
    cycle = open_week()
    browser.login("foyer@paniers.demo")
    browser.post("/catalogue", order_form(browser, cycle, baskets={"large": 2},
                                          products={"Œufs": "1"}))
    order_id = db.session.scalar(select(Order.id).where(Order.cycle_id == cycle.id))

    page = browser.post(f"/mes-commandes/{order_id}/annuler", {"confirmed": "1"},
                        form_page="/mes-commandes")
    assert "Commande annulée" in page.get_data(as_text=True)
    assert basket(cycle.id, "large").sold == 0
    assert stock(cycle.id, "Œufs").sold == 0
    again = browser.post(f"/mes-commandes/{order_id}/annuler", {"confirmed": "1"},
                         form_page="/mes-commandes")
    assert "déjà annulée" in again.get_data(as_text=True)


def test_a_household_cannot_cancel_someone_elses_order(browser, other_browser):
    cycle = open_week()
    register_confirmed("voisin@example.org", "Voisins", "motdepasse-long")
    browser.login("foyer@paniers.demo")
    browser.post("/catalogue", order_form(browser, cycle, baskets={"small": 1}))
    order_id = db.session.scalar(select(Order.id).where(Order.cycle_id == cycle.id))

    other_browser.login("voisin@example.org", "motdepasse-long")
    page = other_browser.post(f"/mes-commandes/{order_id}/annuler", {"confirmed": "1"},
                              form_page="/mes-commandes")
    assert "Cette commande n'existe pas" in page.get_data(as_text=True)
    assert live_orders(cycle.id) == 1


def test_registration_rejects_a_short_password_then_asks_to_confirm_the_address(browser):
    page = browser.post("/inscription", {"name": "A", "email": "foyer@paniers.demo",
                                         "password": "court", "confirm": "court"})
    assert "8" in page.get_data(as_text=True)
    page = browser.post("/inscription", {"name": "Famille Martin", "email": "martin@example.org",
                                         "password": "assez-long-1", "confirm": "assez-long-1"})
    assert "Un e-mail de confirmation vous a été envoyé" in page.get_data(as_text=True)
    confirmed = browser.get(confirmation_link("martin@example.org"), follow_redirects=True)
    assert "Votre adresse est confirmée" in confirmed.text
    assert "Se déconnecter" in browser.login("martin@example.org", "assez-long-1").text


def test_a_tampered_product_is_refused_with_a_message_not_an_error(browser):
    cycle = open_week()
    browser.login("foyer@paniers.demo")
    data = order_form(browser, cycle, baskets={"small": 1})
    data["products-0-product_id"] = "99999"
    data["products-0-quantity"] = "1"
    page = browser.post("/catalogue", data)
    assert page.status_code == 200 and "Produit inconnu" in page.text
    data["products-0-product_id"] = "abc"
    assert browser.post("/catalogue", data).status_code == 200
    assert basket(cycle.id, "small").sold == 0


def test_a_quantity_typed_the_french_or_english_way_is_ordered_in_grams(browser):
    cycle = open_week()
    browser.login("foyer@paniers.demo")
    page = browser.post("/catalogue", order_form(browser, cycle,
                                                 products={"Pomme de terre": "1,5"}))
    assert "enregistrée" in page.text and "1,5 kg Pomme de terre" in page.text
    assert stock(cycle.id, "Pomme de terre").sold == 1500
    browser.post("/catalogue", order_form(browser, cycle, products={"Pomme de terre": "0.5 kg"}))
    assert stock(cycle.id, "Pomme de terre").sold == 2000


def quantity_cell(page: str, product_name: str) -> str:
    """The table cell of a product's quantity, with what the form shows in it."""
    product_id = db.session.scalar(select(Product.id).where(Product.name == product_name))
    index = re.search(rf'name="products-(\d+)-product_id" type="hidden" value="{product_id}"',
                      page).group(1)
    return re.search(rf'<input[^>]*name="products-{index}-quantity".*?</td>', page,
                     re.S).group(0)


def test_an_unreadable_quantity_is_explained_beside_it_and_changes_nothing(browser):
    cycle = open_week()
    browser.login("foyer@paniers.demo")
    data = order_form(browser, cycle, baskets={"small": 1},
                      products={"Pomme de terre": "1.5", "Œufs": "une boîte"})
    page = browser.post("/catalogue", data)

    assert page.status_code == 200
    eggs = html.unescape(quantity_cell(page.html, "Œufs"))
    assert 'value="une boîte"' in eggs
    assert "Quantité illisible : tapez un nombre, par exemple 2,5." in eggs
    potatoes = quantity_cell(page.html, "Pomme de terre")
    assert 'value="1,5"' in potatoes and "field-error" not in potatoes
    assert re.search(r'name="baskets-\d+-count"[^>]*value="1"', page.html)  # kept as typed
    assert "enregistrée" not in page.text
    assert live_orders(cycle.id) == 0
    assert stock(cycle.id, "Pomme de terre").sold == 0 and basket(cycle.id, "small").sold == 0


def test_the_household_sees_a_summary_with_the_total_before_confirming(browser):
    cycle = open_week()
    browser.login("foyer@paniers.demo")
    data = order_form(browser, cycle, baskets={"medium": 1}, products={"Pomme de terre": "2,5"})
    del data["confirmed"]
    summary = browser.post("/catalogue", data).get_data(as_text=True)
    assert "<h1>Votre commande</h1>" in summary
    assert "Panier moyen" in summary and "Pomme de terre" in summary
    assert "Total" in summary and "24,00\xa0€" in summary
    assert "Confirmer la commande" in summary and "Modifier" in summary
    assert live_orders(cycle.id) == 0 and basket(cycle.id, "medium").sold == 0

    edit = browser.post("/catalogue", {**data, "edit": "1"}).get_data(as_text=True)
    assert 'value="2,5"' in edit and "Commander" in edit  # the form again, as filled
    assert live_orders(cycle.id) == 0

    placed = browser.post("/catalogue", {**data, "confirmed": "1"}).get_data(as_text=True)
    assert "enregistrée" in placed and live_orders(cycle.id) == 1


def test_a_new_household_chooses_its_point_and_it_is_remembered(browser):
    cycle = open_week()
    register_confirmed("nouveau@example.org", "Famille Nouvelle", "motdepasse-long")
    browser.login("nouveau@example.org", "motdepasse-long")
    page = browser.get("/catalogue").get_data(as_text=True)
    assert '<option selected value="0">— Choisissez un point de retrait —</option>' in page
    data = order_form(browser, cycle, baskets={"small": 1})
    data["point"] = "0"
    refused = browser.post("/catalogue", data).get_data(as_text=True)
    assert "Choisissez un point de retrait dans la liste." in refused
    assert live_orders(cycle.id) == 0

    placed = order_form(browser, cycle, point_code="relay-lens", baskets={"small": 1})
    browser.post("/catalogue", placed)
    lens = db.session.scalar(select(PickupPoint.id).where(PickupPoint.code == "relay-lens"))
    again = browser.get("/catalogue").get_data(as_text=True)
    assert "Choisissez un point de retrait —" not in again
    assert f'<option selected value="{lens}">' in again


def test_my_orders_are_sorted_by_delivery_date(browser):
    later = open_week(delivery=DELIVERY + timedelta(days=7))
    browser.login("foyer@paniers.demo")
    browser.post("/catalogue", order_form(browser, later, baskets={"small": 1}))
    cycles.close_cycle(later.id)
    sooner = open_week(delivery=DELIVERY, supply={"Pomme de terre": 5000})
    household = db.session.scalar(select(User).where(User.email == "foyer@paniers.demo"))
    orders.place_order(household, sooner.id, household.point_id,
                       orders.Cart({}, {product("Pomme de terre").id: 1000}))
    page = browser.get("/mes-commandes").get_data(as_text=True)
    assert page.index(long_date(later.delivery_date)) < page.index(long_date(sooner.delivery_date))


def test_cancelling_asks_first_and_says_what_happens(browser):
    cycle = open_week()
    browser.login("foyer@paniers.demo")
    browser.post("/catalogue", order_form(browser, cycle, baskets={"small": 1}))
    order_id = db.session.scalar(select(Order.id))
    asked = browser.post(f"/mes-commandes/{order_id}/annuler", form_page="/mes-commandes")
    text = asked.get_data(as_text=True)
    assert f"Annuler la commande n° {order_id} ?" in text
    assert "Oui, annuler la commande" in text and "Non, garder la commande" in text
    assert live_orders(cycle.id) == 1 and basket(cycle.id, "small").sold == 1


def test_the_household_changes_its_order_until_the_cutoff_stock_following(browser):
    cycle = open_week()
    browser.login("foyer@paniers.demo")
    browser.post("/catalogue", order_form(browser, cycle, baskets={"small": 1},
                                          products={"Pomme de terre": "2"}))
    first = db.session.scalar(select(Order.id))
    mine = browser.get("/mes-commandes").get_data(as_text=True)
    assert f"/catalogue?modifier={first}" in mine and "Modifier cette commande" in mine

    page = browser.get(f"/catalogue?modifier={first}").get_data(as_text=True)
    assert f"Vous modifiez la commande n° {first}" in page
    assert 'value="2"' in page  # the potatoes as ordered
    data = order_form(browser, cycle, point_code="relay-lens", baskets={"medium": 1},
                      products={"Pomme de terre": "1"})
    data["modifier"] = str(first)
    summary = browser.post("/catalogue", {**data, "confirmed": ""}).get_data(as_text=True)
    assert f"Cette commande remplacera la commande n° {first}." in summary
    done = browser.post("/catalogue", data).get_data(as_text=True)

    db.session.expire_all()
    new = db.session.scalar(select(Order).where(Order.status == OrderStatus.PLACED))
    assert f"La commande n° {first} est remplacée par la commande n° {new.id}." in done
    assert db.session.get(Order, first).status == OrderStatus.CANCELLED
    assert new.point.code == "relay-lens"
    assert (basket(cycle.id, "small").sold, basket(cycle.id, "medium").sold) == (0, 1)
    assert stock(cycle.id, "Pomme de terre").sold == 1000


def test_a_change_that_cannot_be_placed_leaves_the_order_as_it_was(browser):
    cycle = open_week(supply={"Pomme de terre": 3000})
    browser.login("foyer@paniers.demo")
    browser.post("/catalogue", order_form(browser, cycle, products={"Pomme de terre": "2"}))
    first = db.session.scalar(select(Order.id))
    data = order_form(browser, cycle, products={"Pomme de terre": "4"})
    data["modifier"] = str(first)
    refused = browser.post("/catalogue", data).get_data(as_text=True)
    assert "plus assez de stock, il reste 3 kg" in refused  # its own 2 kg counted back
    db.session.expire_all()
    assert db.session.get(Order, first).status == OrderStatus.PLACED
    assert stock(cycle.id, "Pomme de terre").sold == 2000
    assert live_orders(cycle.id) == 1


def test_an_order_no_longer_changes_once_the_week_is_closed(browser):
    cycle = open_week()
    browser.login("foyer@paniers.demo")
    browser.post("/catalogue", order_form(browser, cycle, baskets={"small": 1}))
    first = db.session.scalar(select(Order.id))
    cycles.close_cycle(cycle.id)
    assert "Modifier cette commande" not in browser.get("/mes-commandes").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Order, first).status == OrderStatus.PLACED


def test_baskets_are_offered_only_as_far_as_the_declared_supply_can_fill_them(browser):
    # 10 kg of potatoes and a dozen eggs: two products, fewer than any basket holds.
    cycle = open_week(supply={"Pomme de terre": 10_000, "Œufs": 1})
    browser.login("foyer@paniers.demo")
    page = browser.get("/catalogue").get_data(as_text=True)
    assert "Pas encore disponible : les fermes n'ont pas déclaré de quoi le composer." in page
    refused = browser.post("/catalogue", order_form(browser, cycle, baskets={"small": 1}))
    assert "Les fermes n'ont pas encore déclaré de quoi composer" in refused.get_data(
        as_text=True)
    assert basket(cycle.id, "small").sold == 0 and live_orders(cycle.id) == 0


def test_the_quota_is_capped_by_the_weight_declared(browser):
    # 4 products, 15 kg in all: five small baskets of 3 kg, whatever the quota of 10.
    cycle = open_week(supply={"Pomme de terre": 6_000, "Carotte": 3_000, "Poireau": 3_000,
                              "Oignon": 3_000})
    browser.login("foyer@paniers.demo")
    page = browser.get("/catalogue").get_data(as_text=True)
    assert "5 encore disponibles" in page
    refused = browser.post("/catalogue", order_form(browser, cycle, baskets={"small": 6}))
    assert ("Les fermes n'ont déclaré de quoi composer que 5 paniers de plus de ce format."
            in refused.get_data(as_text=True))
    assert basket(cycle.id, "small").sold == 0
    browser.post("/catalogue", order_form(browser, cycle, baskets={"small": 5}))
    assert basket(cycle.id, "small").sold == 5
    assert "Épuisé" in browser.get("/catalogue").get_data(as_text=True) or (
        "Pas encore disponible" in browser.get("/catalogue").get_data(as_text=True))
