"""Invoices: issued once, numbered without gaps per year, frozen; corrected by credit notes;
Factur-X for the canteens (public buyers)."""

from __future__ import annotations

import io
import re

import pytest
from facturx import get_level, xml_check_xsd
from lxml import etree
from pypdf import PdfReader
from sqlalchemy import func, select

from canteens.models import Canteen
from paniers.allocation import services as allocating
from paniers.cycles import services as cycles
from paniers.errors import ServiceError
from paniers.extensions import db
from paniers.invoices import documents, numbering
from paniers.invoices import services as invoicing
from paniers.invoices.models import Invoice, InvoiceCounter
from paniers.orders import services as orders
from paniers.orders.models import OrderLine
from paniers.payments import pickup
from paniers.transaction import transaction
from producers.models import Farm, Product
from tests.integration.test_week_plan import SUPPLY as BASKET_SUPPLY
from tests.integration.week import delivered_today, open_week, product, user
from tests.support.access import add_user, canteen_order

HOUSEHOLD = "foyer@paniers.demo"
CANTEEN = "cantine@paniers.demo"
COORDINATOR = "coordination@paniers.demo"
SUPPLY = {"Pomme de terre": 60_000, "Œufs": 30}


def published_week(*, canteen: bool = True):
    """A week with a household's order (2 dozen eggs) and the school canteen's (2 kg of
    potatoes), closed, allocated and published; delivered today, so this month."""
    cycle = open_week(supply=SUPPLY)
    household = user(HOUSEHOLD)
    order = orders.place_order(household, cycle.id, household.point_id,
                               orders.Cart({}, {product("Œufs").id: 2}))
    canteen_id = canteen_order(CANTEEN, cycle.id) if canteen else None
    school = db.session.get(Canteen, user(CANTEEN).canteen_id)
    school.siret = "90000001900019"  # fictitious; the manager types it on their SIRET form
    school.billing_address = "Mairie, place de la République, 62750 Loos-en-Gohelle"
    db.session.commit()
    cycles.close_cycle(cycle.id)
    allocating.allocate_cycle(cycle.id)
    allocating.publish_allocation(cycle.id)
    delivered_today(cycle)
    return cycle, order.id, canteen_id


def document_part(page_html: str) -> str:
    found = re.search(r'<article class="invoice-doc".*?</article>', page_html, re.S)
    assert found, "no invoice on the page"
    return found.group(0)


def fetch_pdf(browser, path: str):
    """A PDF as the browser receives it (not text): the response, closed."""
    with browser.app.app_context():
        response = browser.client.get(path)
        response.close()
        return response


def pdf_text(browser, path: str) -> str:
    return PdfReader(io.BytesIO(fetch_pdf(browser, path).get_data())).pages[0].extract_text()


def invoices_count() -> int:
    return int(db.session.scalar(select(func.count(Invoice.id))) or 0)


def test_a_household_asks_for_the_invoice_of_its_order_and_always_gets_the_same(browser):
    _cycle, order_id, _ = published_week(canteen=False)
    browser.login(HOUSEHOLD)
    mine = browser.get("/mes-commandes")
    assert f'action="/mes-commandes/{order_id}/facture"' in mine.html
    page = browser.post(f"/mes-commandes/{order_id}/facture", form_page="/mes-commandes")
    year = _cycle.delivery_date.year
    assert f"Facture n° F{year}-000001" in page.text
    assert "Ferme du Marais" in page.text and "Œufs" in page.text
    assert "TVA non applicable, art. 293 B du CGI" in page.text
    assert "SIRET 90000000100009" in page.text
    assert "9,60 €" in page.text.replace("\xa0", " ")  # 2 dozen at 4,80 €
    again = browser.post(f"/mes-commandes/{order_id}/facture", form_page="/mes-commandes")
    assert f"Facture n° F{year}-000001" in again.text
    assert invoices_count() == 1
    # From then on the order links to it.
    (invoice,) = db.session.scalars(select(Invoice)).all()
    assert f'href="/factures/{invoice.id}"' in browser.get("/mes-commandes").html


def test_no_invoice_before_the_week_is_published_and_nothing_is_numbered(browser):
    cycle = open_week(supply=SUPPLY)
    household = user(HOUSEHOLD)
    order = orders.place_order(household, cycle.id, household.point_id,
                               orders.Cart({}, {product("Œufs").id: 1}))
    with pytest.raises(ServiceError, match="publiée"):
        invoicing.household_invoice(household, order.id)
    assert invoices_count() == 0
    assert db.session.scalar(select(func.max(InvoiceCounter.last_number))) in (None, 0)


def test_change_a_price_and_the_issued_invoice_is_the_same(browser):
    _cycle, order_id, _ = published_week(canteen=False)
    invoice = invoicing.household_invoice(user(HOUSEHOLD), order_id)
    stored = dict(invoice.content)
    browser.login(HOUSEHOLD)
    before = document_part(browser.get(f"/factures/{invoice.id}").html)
    pdf_before = pdf_text(browser, f"/factures/{invoice.id}/pdf")

    # Afterwards: the order's price, the product's and the farm's names all change.
    line = db.session.scalar(select(OrderLine).where(OrderLine.order_id == order_id))
    line.unit_price_cents, line.total_cents = 999, 1998
    db.session.scalar(select(Product).where(Product.name == "Œufs")).name = "Œufs frais"
    db.session.scalar(select(Farm).where(Farm.name == "Ferme du Marais")).name = "Autre ferme"
    db.session.commit()
    browser.app.config["INVOICE_SELLER_NAME"] = "Un autre nom"

    after = document_part(browser.get(f"/factures/{invoice.id}").html)
    assert after == before
    db.session.expire_all()
    assert db.session.get(Invoice, invoice.id).content == stored
    assert "9,60" in before and "19,98" not in after and "Autre ferme" not in after
    pdf_after = pdf_text(browser, f"/factures/{invoice.id}/pdf")
    assert pdf_after == pdf_before


def test_numbers_follow_each_other_without_gaps_and_start_again_each_year(app):
    cycle, order_id, _ = published_week()
    first = invoicing.household_invoice(user(HOUSEHOLD), order_id)
    (second,) = invoicing.canteen_month_invoices(cycle.delivery_date.year,
                                                  cycle.delivery_date.month).issued
    year = first.year
    assert (first.number, second.number) == (f"F{year}-000001", f"F{year}-000002")
    # An issue that fails after taking its number gives it back (the same transaction).
    with pytest.raises(RuntimeError), transaction():
        numbering.next_number(year)
        raise RuntimeError("the invoice could not be written")
    with transaction():
        assert numbering.next_number(year + 1) == (1, f"F{year + 1}-000001")
        assert numbering.next_number(year) == (3, f"F{year}-000003")


def test_a_canteens_month_is_invoiced_once_in_factur_x_with_xml_valid_against_the_schema(
        browser):
    cycle, _order_id, _ = published_week()
    year, month = cycle.delivery_date.year, cycle.delivery_date.month
    browser.login(COORDINATOR)
    page = browser.post("/coordination/factures/cantines", {"month": f"{year}-{month:02d}"},
                        form_page="/coordination/factures/")
    assert "1 facture de cantine émise" in page.text
    again = browser.post("/coordination/factures/cantines", {"month": f"{year}-{month:02d}"},
                         form_page="/coordination/factures/")
    assert "Déjà facturé ce mois-ci" in again.text
    (invoice,) = db.session.scalars(select(Invoice)).all()
    school = db.session.get(Canteen, invoice.canteen_id)
    assert invoice.content["buyer"]["siret"] == school.siret

    browser.login(CANTEEN)
    assert invoice.number in browser.get("/cantine/factures").text
    response = fetch_pdf(browser, f"/factures/{invoice.id}/pdf")
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.get_data()))
    (xml,) = reader.attachments["factur-x.xml"]
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    tree = etree.fromstring(xml)
    assert get_level(tree, "factur-x") == "en16931"
    standard = "urn:un:unece:uncefact:data:standard"
    ns = {"rsm": f"{standard}:CrossIndustryInvoice:100",
          "ram": f"{standard}:ReusableAggregateBusinessInformationEntity:100"}
    assert tree.findtext("rsm:ExchangedDocument/ram:ID", namespaces=ns) == invoice.number
    assert tree.findtext(".//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID",
                         namespaces=ns) == school.siret
    assert tree.findtext(".//ram:GrandTotalAmount", namespaces=ns) == "4.80"  # 2 kg at 2,40
    billed = tree.find(".//ram:IncludedSupplyChainTradeLineItem//ram:BilledQuantity", ns)
    assert (float(billed.text), billed.get("unitCode")) == (2.0, "KGM")
    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert "<pdfaid:part>3</pdfaid:part>" in xmp and "<pdfaid:conformance>B" in xmp
    assert "/OutputIntents" in reader.trailer["/Root"]


def test_a_credit_note_corrects_an_invoice_and_a_full_one_lets_the_month_be_invoiced_again(
        browser):
    cycle, _order_id, _ = published_week()
    year, month = cycle.delivery_date.year, cycle.delivery_date.month
    (invoice,) = invoicing.canteen_month_invoices(year, month).issued
    browser.login(COORDINATOR)
    path = f"/coordination/factures/{invoice.id}/avoir"
    refused = browser.post(path, {"reason": "Erreur de prix", "amount": "50"},
                           form_page=f"/factures/{invoice.id}")
    assert refused.status_code == 400 and "ce qui reste de la facture" in refused.text
    assert invoices_count() == 1
    partial = browser.post(path, {"reason": "Pommes de terre abîmées", "amount": "1,00"},
                           form_page=f"/factures/{invoice.id}")
    assert f"Avoir n° F{year}-000002" in partial.text
    assert f"Avoir sur la facture n° {invoice.number}" in partial.text
    standing = invoicing.canteen_month_invoices(year, month)  # partly corrected: stands
    assert not standing.issued and standing.already
    full = browser.post(path, {"reason": "Annulation", "amount": ""},
                        form_page=f"/factures/{invoice.id}")
    assert "(annulation totale)" in full.text and "3,80" in full.text.replace("\xa0", " ")
    notes = db.session.scalars(select(Invoice).where(Invoice.credited_invoice_id == invoice.id)
                               .order_by(Invoice.id)).all()
    assert [n.total_cents for n in notes] == [100, 380]
    (again,) = invoicing.canteen_month_invoices(year, month).issued
    assert again.number == f"F{year}-000004"
    xml = documents.cii_xml(notes[0])
    assert b"<ram:TypeCode>381</ram:TypeCode>" in xml and invoice.number.encode() in xml


def test_a_month_with_a_week_not_yet_published_waits(browser):
    cycle = open_week(supply=SUPPLY)
    canteen_order(CANTEEN, cycle.id)
    delivered_today(cycle)
    browser.login(COORDINATOR)
    page = browser.post("/coordination/factures/cantines",
                        {"month": f"{cycle.delivery_date:%Y-%m}"},
                        form_page="/coordination/factures/")
    assert page.status_code == 400 and "pas encore répartie" in page.text
    bad = browser.post("/coordination/factures/cantines", {"month": "novembre"},
                       form_page="/coordination/factures/")
    assert bad.status_code == 400 and "2026-11" in bad.text
    assert invoices_count() == 0


def test_someone_elses_invoice_is_refused(browser):
    _cycle, order_id, _ = published_week()
    mine = invoicing.household_invoice(user(HOUSEHOLD), order_id)
    add_user("voisin@paniers.demo", "Voisin", user(HOUSEHOLD).role,
             point_id=user(HOUSEHOLD).point_id)
    browser.login("voisin@paniers.demo")
    assert browser.get(f"/factures/{mine.id}").status_code == 403
    assert fetch_pdf(browser, f"/factures/{mine.id}/pdf").status_code == 403
    asked = browser.post(f"/mes-commandes/{order_id}/facture", form_page="/mes-commandes")
    assert "Cette commande n'existe pas." in asked.text
    assert invoices_count() == 1
    browser.login(CANTEEN)
    assert browser.get(f"/factures/{mine.id}").status_code == 403


def test_a_household_invoice_lists_the_basket_by_farm_and_the_payment_taken_at_the_point(app):
    cycle = open_week(quotas=(4, 4, 2), supply=BASKET_SUPPLY)
    household = user(HOUSEHOLD)
    formats = {f.code: f.id for f in cycle.formats}
    order = orders.place_order(household, cycle.id, household.point_id,
                               orders.Cart({formats["medium"]: 1}, {}))
    cycles.close_cycle(cycle.id)
    allocating.allocate_cycle(cycle.id)
    allocating.publish_allocation(cycle.id)
    delivered_today(cycle)
    paid = pickup.record_pickup_payment(user("hote@paniers.demo"), order.id, "cash")

    doc = invoicing.household_invoice(household, order.id).content
    (line,) = doc["lines"]
    assert (line["product"], line["unit"], line["quantity"]) == ("Panier moyen", "basket", 1)
    assert "Ferme du Marais" in line["farm"]
    assert doc["total_cents"] == order.total_cents == paid.paid_cents
    assert [(p["label"], p["amount_cents"]) for p in doc["payments"]] == [
        ("Espèces", order.total_cents)]
    assert doc["due_cents"] == 0
