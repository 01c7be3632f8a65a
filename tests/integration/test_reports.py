"""The coordinators' reports and a farmer's sales on a delivered week: each report on
screen, as CSV (French headers, ``;``, decimal comma, a byte order mark) and as a
spreadsheet read back with openpyxl, with the totals a person would check by hand."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from canteens.models import Canteen
from paniers.allocation.models import AllocationLine, Shortage
from paniers.extensions import db
from paniers.orders.models import Order, OrderStatus
from paniers.payments.models import Payment, SolidarityFund
from producers.units import value_cents
from tests.support.reports import (
    delivered_week,
    euros,
    order,
    period_query,
    read_csv,
    read_xlsx,
)

COORDINATOR = "coordination@paniers.demo"


@pytest.fixture()
def week(app):
    return delivered_week()


def farm_value_cents(cycle_id, farm_name=None):
    """What the allocation sold, at the farms' prices (optionally of one farm)."""
    return sum(value_cents(a.quantity, a.offer.price_cents, a.offer.product.unit)
               for a in db.session.scalars(select(AllocationLine).where(
                   AllocationLine.cycle_id == cycle_id))
               if farm_name is None or a.offer.farm.name == farm_name)


def live_orders_cents(cycle_id):
    return sum(db.session.scalars(select(Order.total_cents).where(
        Order.cycle_id == cycle_id, Order.status != OrderStatus.CANCELLED)))


def expected_totals(week):
    """Per report: its French header and its grand total (column, cents or count)."""
    paid = sum(db.session.scalars(select(Payment.charged_cents - Payment.refunded_cents)
                                  .where(Payment.cycle_id == week.cycle_id)))
    fund = db.session.scalar(select(SolidarityFund).where(
        SolidarityFund.cycle_id == week.cycle_id))
    return {
        "ventes-fermes": (["Ferme", "Produit", "Unité", "Quantité", "Montant"],
                          {"Montant": farm_value_cents(week.cycle_id)}),
        "ventes-produits": (["Produit", "Unité", "Quantité", "Fermes", "Montant"],
                            {"Montant": farm_value_cents(week.cycle_id)}),
        "ventes-points": (["Point", "Livraison", "Commandes", "Paniers", "Commandé",
                           "Manques remboursés", "Net"],
                          {"Commandé": live_orders_cents(week.cycle_id), "Commandes": 4,
                           "Paniers": 4}),
        "du-aux-fermes": (["Foyer ou cantine", "Ferme", "Montant"],
                          {"Montant": live_orders_cents(week.cycle_id)}),
        "paiements-points": (["Point", "Moyen de paiement", "Commandes",
                              "Montant des commandes", "Encaissé"],
                             {"Montant des commandes": live_orders_cents(week.cycle_id),
                              "Encaissé": paid}),
        "fonds-solidaire": (["Livraison", "Budget", "Utilisé", "Reste", "Commandes aidées",
                             "Foyers aidés"],
                            {"Budget": 5_000, "Utilisé": fund.used_cents,
                             "Commandes aidées": 1}),
        "paniers-non-retires": (["Livraison", "Point", "Retirées", "Non retirées", "Devenir",
                                 "Remarque"], {"Retirées": 1, "Non retirées": 1}),
        "conversion-bio": (["Année", "Statut", "Fermes", "Part des fermes (%)",
                            "Surface cultivée (ha)", "Surface bio ou en conversion (ha)"], {}),
    }


MONEY = {"Montant", "Commandé", "Manques remboursés", "Net", "Montant des commandes",
         "Encaissé", "Budget", "Utilisé", "Reste"}


@pytest.mark.parametrize("slug", ["ventes-fermes", "ventes-produits", "ventes-points",
                                  "du-aux-fermes", "paiements-points", "fonds-solidaire",
                                  "paniers-non-retires", "conversion-bio"])
def test_each_report_in_three_formats_with_french_headers_and_right_totals(
        week, browser, slug):
    header, totals = expected_totals(week)[slug]
    assert not db.session.scalars(select(Shortage)).all(), "the week should be served in full"
    browser.login(COORDINATOR)
    path = f"/coordination/rapports/{slug}?{period_query()}"

    rows = read_csv(browser.client.get(path + "&format=csv").get_data())
    assert rows[0] == header
    total = rows[-1]
    if totals:
        assert total[0] == "Total"
    for name, expected in totals.items():
        cell = total[header.index(name)]
        assert cell == (euros(expected) if name in MONEY else str(expected)), name

    response = browser.client.get(path + "&format=xlsx")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = read_xlsx(response.get_data())
    assert list(sheet[0]) == header
    for name, expected in totals.items():
        value = sheet[-1][header.index(name)]
        assert value == pytest.approx(expected / 100 if name in MONEY else expected), name

    page = browser.get(path)
    assert page.status_code == 200
    for title in header:
        assert title in page.text
    for name, expected in totals.items():
        if name in MONEY:
            assert euros(expected) + "\xa0€" in page.text, name


def test_the_spreadsheet_keeps_amounts_as_euro_numbers(week, browser):
    from io import BytesIO

    from openpyxl import load_workbook

    browser.login(COORDINATOR)
    body = browser.client.get(f"/coordination/rapports/ventes-fermes?{period_query()}"
                              "&format=xlsx").get_data()
    sheet = load_workbook(BytesIO(body)).active
    amount = sheet.cell(row=2, column=5)
    assert isinstance(amount.value, float | int) and "€" in amount.number_format
    assert sheet.column_dimensions["A"].width >= 20


def test_sales_by_farm_split_the_week_between_the_two_farms(week, browser):
    browser.login(COORDINATOR)
    rows = read_csv(browser.client.get(
        f"/coordination/rapports/ventes-fermes?{period_query()}&format=csv").get_data())
    subtotals = {row[0]: row[4] for row in rows if row[0].startswith("Total ")}
    for farm in ("Ferme du Marais", "Ferme des Terrils"):
        assert subtotals[f"Total {farm}"] == euros(farm_value_cents(week.cycle_id, farm))


def test_payments_by_point_name_each_method(week, browser):
    browser.login(COORDINATOR)
    rows = read_csv(browser.client.get(
        f"/coordination/rapports/paiements-points?{period_query()}&format=csv").get_data())
    methods = {(row[0].split(" — ")[-1], row[1]): row for row in rows[1:] if row[1]}
    cash = methods[("Maison des associations", "Espèces")]
    assert cash[2] == "1" and cash[4] == euros(order(week.orders["foyer"]).total_cents)
    assert methods[("Maison des associations", "À régler au retrait")][4] == "0,00"
    assert any(method == "Chèque" for _point, method in methods)
    assert any(method == "Facturé à part (cantine)" for _point, method in methods)


def test_what_each_buyer_owes_each_farm_adds_up_to_their_order(week, browser):
    browser.login(COORDINATOR)
    rows = read_csv(browser.client.get(
        f"/coordination/rapports/du-aux-fermes?{period_query()}&format=csv").get_data())
    name = db.session.scalar(select(Canteen.name).where(Canteen.code == "canteen-loos-school"))
    canteen = [row for row in rows if row[0] == f"Total {name}"]
    assert canteen and canteen[0][2] == euros(order(week.orders["cantine"]).total_cents)
    carrots = {row[1] for row in rows if row[0] == name}
    assert carrots <= {"Ferme du Marais", "Ferme des Terrils"}
    martin = next(row for row in rows if row[0] == "Total Famille Martin")
    assert martin[2] == euros(order(week.orders["martin"]).total_cents)


def test_unclaimed_baskets_say_where_they_went(week, browser):
    browser.login(COORDINATOR)
    rows = read_csv(browser.client.get(
        f"/coordination/rapports/paniers-non-retires?{period_query()}&format=csv").get_data())
    loos = next(row for row in rows[1:] if "Maison des associations" in row[1])
    assert loos[2:6] == ["1", "1", "Donnés à une association partenaire", "Restos du cœur"]


def test_organic_conversion_counts_farms_per_status_year_by_year(app, browser):
    from datetime import date

    from producers.models import Farm

    marais = db.session.scalar(select(Farm).where(Farm.code == "farm-marais"))
    marais.farmed_area_ares, marais.organic_area_ares = 1250, 1250  # 12,5 ha in C2
    db.session.commit()
    statuses = list(db.session.scalars(select(Farm.organic_status).where(Farm.active)))
    browser.login(COORDINATOR)
    page = browser.get("/coordination/rapports/conversion-bio")
    assert "surfaces saisies sur leur fiche" in page.text
    rows = read_csv(browser.client.get(
        "/coordination/rapports/conversion-bio?format=csv").get_data())
    year = str(date.today().year)
    this_year = {row[1]: int(row[2]) for row in rows[1:] if row[0] == year}
    assert this_year["Bio certifié (AB)"] == statuses.count("AB")
    assert this_year["Conversion, 1re année (C1)"] == statuses.count("C1")
    assert this_year.get("Non bio (fournisseur conventionnel)", 0) == statuses.count("")
    c2 = next(row for row in rows[1:] if row[0] == year and row[1].endswith("(C2)"))
    assert c2[4] == "12,5" and c2[5] == "12,5"  # hectares, the French way
    subtotal = next(row for row in rows if row[0] == f"Total {year}")
    assert subtotal[2] == str(len(statuses)) and rows[-1][0] != "Total"  # no sum of years
    ab = next(row for row in rows[1:] if row[0] == year and row[1] == "Bio certifié (AB)")
    share = f"{100 * statuses.count('AB') / len(statuses):.1f}".replace(".", ",")
    assert ab[3] == share.removesuffix(",0")
    last = {row[1]: int(row[2]) for row in rows[1:] if row[0] == str(date.today().year + 3)}
    assert last["Bio certifié (AB)"] == len(statuses) - statuses.count("")  # conversions over


def test_a_farmer_sees_only_their_own_sales(week, browser):
    browser.login("producteur@paniers.demo")
    page = browser.get(f"/producteur/ventes?{period_query()}")
    assert "Mes ventes" in page.text and "Poireau" in page.text
    rows = read_csv(browser.client.get(
        f"/producteur/ventes?{period_query()}&format=csv").get_data())
    assert rows[0][:3] == ["Livraison", "Produit", "Unité"]
    assert rows[-1][5] == euros(farm_value_cents(week.cycle_id, "Ferme du Marais"))
    assert rows[-1][5] != euros(farm_value_cents(week.cycle_id))


def test_a_period_that_ends_before_it_starts_is_refused_next_to_the_field(app, browser):
    browser.login(COORDINATOR)
    page = browser.get("/coordination/rapports/ventes-fermes?du=2026-05-01&au=2026-04-01")
    assert page.status_code == 400
    assert "La fin de la période précède son début." in page.text
    assert browser.get("/coordination/rapports/ventes-fermes?du=pas-une-date").status_code == 400
    assert browser.get("/coordination/rapports/inconnu").status_code == 404
    unknown_format = browser.get("/coordination/rapports/ventes-fermes?format=pdf")
    assert unknown_format.status_code == 200 and "Ventes par ferme" in unknown_format.text


def test_the_farm_statements_export_keeps_its_address_with_french_headers(week, browser):
    browser.login(COORDINATOR)
    path = f"/coordination/paiements/{week.cycle_id}/fermes.csv"
    rows = read_csv(browser.client.get(path).get_data())
    assert rows[0] == ["Ferme", "Produit", "Unité", "Quantité", "Prix unitaire", "Dû"]
    assert rows[-1][0] == "Total" and rows[-1][5] == euros(farm_value_cents(week.cycle_id))
    sheet = read_xlsx(browser.client.get(path + "?format=xlsx").get_data())
    assert sheet[-1][5] == pytest.approx(farm_value_cents(week.cycle_id) / 100)


def test_the_packing_list_export_keeps_its_address_with_french_headers(week, browser):
    from paniers.points.models import PickupPoint
    from tests.support.access import code_id

    browser.login("hote@paniers.demo")
    loos = code_id(PickupPoint, "relay-loos")
    rows = read_csv(browser.client.get(
        f"/coordination/cycles/{week.cycle_id}/colisage/{loos}?format=csv").get_data())
    assert rows[0] == ["Commande", "Foyer", "Paniers", "Produits", "Manquants", "Poids (kg)",
                       "À payer"]
    orders_here = [order(week.orders["foyer"]), order(week.orders["martin"])]
    assert rows[-1][6] == euros(sum(o.total_cents for o in orders_here))
    assert rows[1][2] == "2 × Panier moyen" and "2 kg Pomme" in rows[1][3]
    page = browser.get(f"/coordination/cycles/{week.cycle_id}/colisage/{loos}").html
    xlsx_link = re.search(r'href="([^"]+format=xlsx)"', page)
    assert xlsx_link, "the packing list page offers no spreadsheet"
    sheet = read_xlsx(browser.client.get(html.unescape(xlsx_link.group(1))).get_data())
    assert sheet[0][0] == "Commande" and sheet[1][1] == "Famille Lefebvre"
