"""The canteen's SIRET and its yearly purchases in the format of the state's platform
"ma cantine", validated with frictionless against ma cantine's own import schema
(``canteens/data/ma_cantine_achats_siret.json``, from betagouv/ma-cantine, MIT)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from frictionless import Resource, Schema
from sqlalchemy import select

import canteens
from canteens import tasks
from canteens.macantine import COLUMNS
from canteens.models import BoughtInItem, Canteen, PlanJob
from paniers.allocation import services as allocating
from paniers.cycles import services as cycles
from paniers.extensions import db
from paniers.journal.models import JournalEntry
from paniers.orders.models import Order, OrderLine, OrderSource
from producers.models import Product
from tests.integration.week import DELIVERY, open_week, user
from tests.support.school_weeks import school_delivery

MANAGER = "cantine@paniers.demo"
SCHEMA = Path(canteens.__file__).parent / "data" / "ma_cantine_achats_siret.json"
SIRET = "21620517600011"  # 14 digits, Luhn key right (made up for the demo town hall)


@pytest.fixture(autouse=True)
def quick_planner(app):
    app.config.update(CANTEEN_PLAN_TIME_LIMIT_S=3, CANTEEN_PLAN_WORKERS=1)


def canteen() -> Canteen:
    db.session.expire_all()
    found = db.session.get(Canteen, user(MANAGER).canteen_id)
    assert found is not None
    return found


@pytest.mark.parametrize(("typed", "message"), [
    ("2162051760001", "un SIRET a 14 chiffres"),
    ("2162051760001A", "un SIRET a 14 chiffres"),
    ("21620517600018", "clé de contrôle fausse"),
    ("", "saisissez les 14 chiffres du SIRET"),
])
def test_a_wrong_siret_is_refused_next_to_the_field_and_changes_nothing(browser, typed,
                                                                         message):
    browser.login(MANAGER)
    page = browser.post("/cantine/siret", {"siret": typed})
    assert page.status_code == 200 and message in page.text and "field-error" in page.text
    assert canteen().siret == ""


def test_the_manager_enters_the_siret_with_spaces_and_it_is_journaled(browser):
    browser.login(MANAGER)
    page = browser.post("/cantine/siret", {"siret": "216 205 176 00011"})
    assert "SIRET enregistré" in page.text
    assert canteen().siret == SIRET
    entry = db.session.scalar(select(JournalEntry).order_by(JournalEntry.id.desc()))
    assert entry is not None and entry.action == "network.updated"
    assert entry.subject == canteen().name


def test_the_export_without_a_siret_sends_the_manager_to_the_siret_form(browser):
    browser.login(MANAGER)
    page = browser.get(f"/cantine/bilan-ma-cantine.csv?annee={date.today().year}",
                       follow_redirects=True)
    assert "Saisissez d'abord le SIRET" in page.text and 'name="siret"' in page.text


def test_an_unknown_year_is_refused_clearly(browser):
    browser.login(MANAGER)
    page = browser.get("/cantine/bilan-ma-cantine.csv?annee=1999")
    assert page.status_code >= 400 and "Choisissez l'une des années proposées" in page.text


def ordered_and_allocated_week(browser) -> date:
    """A week planned, ordered through the cycle and allocated: farm and outside purchases."""
    delivery = school_delivery(DELIVERY)
    supply = {p.name: 300_000 if p.unit in ("kg", "litre") else 2_000
              for p in db.session.scalars(select(Product))}
    cycle = open_week(supply=supply, delivery=delivery)
    monday = delivery + timedelta(days=7 - delivery.weekday())
    page = browser.post("/cantine/menus/planifier",
                        {"first_day": monday.isoformat(), "horizon": "weeks-1"},
                        form_page="/cantine/menus")
    assert "Planification lancée" in page.text
    tasks.plan_menus(db.session.scalar(select(PlanJob.id).order_by(PlanJob.id.desc())))
    assert "Commande de la semaine générée" in browser.post("/cantine/semaine", {}).text
    cycles.close_cycle(cycle.id)
    allocating.allocate_cycle(cycle.id)
    return delivery


def test_the_yearly_export_is_what_ma_cantine_imports_as_it_is(browser):
    browser.login(MANAGER)
    browser.post("/cantine/siret", {"siret": SIRET})
    delivery = ordered_and_allocated_week(browser)

    response = browser.get(f"/cantine/bilan-ma-cantine.csv?annee={delivery.year}")
    assert response.status_code == 200
    raw = response.response.get_data()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no byte order mark: the header is "siret"
    text = raw.decode("utf-8")

    schema = Schema.from_descriptor(json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert tuple(schema.field_names) == COLUMNS
    report = Resource(data=text.encode("utf-8"), format="csv", encoding="utf-8",
                      schema=schema).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and {r["siret"] for r in rows} == {SIRET}
    assert {r["date"] for r in rows} == {delivery.isoformat()}
    farm = [r for r in rows if r["fournisseur"]]
    outside = [r for r in rows if not r["fournisseur"]]
    assert farm  # what is bought outside, if anything, is listed too
    assert all(r["est_local"] == "OUI" and r["definition_local"] == "REGION"
               and r["est_circuit_court"] == "OUI" and r["origine"] == "FRANCE"
               and r["categories_egalim"] == "BIO" for r in farm)  # the farms are AB or C1-C3
    assert all(r["est_local"] == "NON" and r["definition_local"] == "" for r in outside)
    assert {r["famille_produits"] for r in farm} >= {"FRUITS_ET_LEGUMES"}
    expected = {"meat": {"VIANDES_VOLAILLES", "CHARCUTERIE"}, "fish": {"PRODUITS_DE_LA_MER"},
                "dairy": {"PRODUITS_LAITIERS"}, "fruit": {"FRUITS_ET_LEGUMES"},
                "grocery": {"AUTRES"}}
    items = {i.name: i.category for i in db.session.scalars(select(BoughtInItem))}
    for r in outside:  # bought in: rice is AUTRES, Emmental PRODUITS_LAITIERS, cod seafood
        name = r["description"].rsplit(", ", 1)[0]
        assert r["famille_produits"] in expected[items[name]], r
    assert any(r["description"].endswith(" kg") for r in farm)
    assert all(r["prix_ht"].count(".") == 1 and "," not in r["prix_ht"] for r in rows)

    # The prices exclude the food VAT (5.5 %) of what the canteen paid, to the cent.
    paid = sum(line.total_cents for line in db.session.scalars(select(OrderLine).join(Order)
               .where(Order.source == OrderSource.CANTEEN)))
    exported = sum(round(float(r["prix_ht"]) * 100) for r in farm)
    assert abs(exported * 1.055 - paid) <= len(farm)

    page = browser.get(f"/cantine/bilan?du={delivery.year}-01-01&au={delivery.year}-12-31")
    assert page.status_code == 200 and delivery.strftime("%d/%m/%Y") in page.text


def test_the_spreadsheet_export_gives_quantities_in_kilograms_not_grams(browser):
    browser.login(MANAGER)
    delivery = ordered_and_allocated_week(browser)
    period = f"du={delivery.isoformat()}&au={delivery.isoformat()}"
    export = browser.get(f"/cantine/bilan.csv?{period}").text.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(export), delimiter=";"))
    header = rows[0]  # the French headers first, the purchases, then the totals
    listed = [dict(zip(header, row, strict=False)) for row in rows[1:]]
    listed = [r for r in listed if re.fullmatch(r"\d\d/\d\d/\d{4}", r.get("Date", ""))]
    by_kg = [line for line in db.session.scalars(select(OrderLine).join(Order).where(
        Order.source == OrderSource.CANTEEN)) if line.product.unit == "kg"]
    assert by_kg
    for line in by_kg:  # served in full: the farms declared plenty
        rows_of = [r for r in listed if r["Produit"] == line.product.name]
        assert {r["Unité"] for r in rows_of} == {"kg"}
        assert sum(float(r["Quantité"].replace(",", ".")) for r in rows_of) == pytest.approx(
            line.quantity / 1000)
    assert all(r["Date"] == delivery.strftime("%d/%m/%Y") for r in listed)
