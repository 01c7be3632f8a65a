"""Drawing an issued invoice from its stored content: HTML to print, PDF, and for public
buyers the Factur-X PDF (PDF/A-3 with the CII XML embedded, profile EN 16931, above
BASIC) that the state's e-invoicing portal (Chorus Pro) takes.

Every figure comes from ``Invoice.content``: nothing here reads orders or prices.
The XML is built and embedded by the ``factur-x`` package (its XSD check on); its
schematron check is left off (it needs a Saxon server). WeasyPrint turns the HTML
into the PDF/A-3b the XML is attached to.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import render_template
from flask_babel import force_locale

from paniers.invoices.content import BASKET
from paniers.invoices.models import Invoice
from producers.units import base_per_unit

PRINT_CSS = Path(__file__).resolve().parent.parent / "static" / "invoice-print.css"
LEVEL = "en16931"
TYPE_CODES = {"invoice": "380", "credit_note": "381"}  # UNTDID 1001
# UN/ECE Recommendation 20 unit codes.
UNIT_CODES = {"kg": "KGM", "litre": "LTR", "piece": "H87", "bunch": "H87", "dozen": "DZN",
              BASKET: "H87"}
SIRET_SCHEME = "0009"  # ISO 6523 ICD of the SIRET (SIREN is 0002)
VAT_EXEMPT = "E"  # UNTDID 5305: exempt from tax (the franchise of art. 293 B du CGI)


def html(invoice: Invoice, *, for_pdf: bool = False) -> str:
    """The invoice as a page, in French (the language of the legal document)."""
    with force_locale("fr"):
        return render_template("invoices/document.html", invoice=invoice,
                               doc=invoice.content, for_pdf=for_pdf)


def _euros(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def _quantity(line: dict[str, Any]) -> str:
    per = 1 if line["unit"] == BASKET else base_per_unit(line["unit"])
    whole, part = divmod(line["quantity"], per)
    return f"{whole}.{part:0{len(str(per)) - 1}d}" if per > 1 else str(whole)


def _party(party: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {"name": party["name"], "country_code": party.get("country", "FR")}
    for ours, theirs in (("street", "addr_l1"), ("postcode", "postcode"), ("city", "city")):
        if party.get(ours):
            found[theirs] = party[ours]
    if party.get("siret"):
        found["legal_identifier"] = party["siret"]
        found["legal_identifier_schemeid"] = SIRET_SCHEME
    if party.get("email"):
        found["contacts"] = [{"email": party["email"]}]
    return found


def cii_data(invoice: Invoice) -> dict[str, Any]:
    """The stored content in the ``factur-x`` package's terms (EN 16931 business terms)."""
    doc = invoice.content
    issued = date.fromisoformat(doc["issue_date"])
    total = _euros(doc["total_cents"])
    paid = min(doc["paid_cents"], doc["total_cents"])
    lines = [{
        "BT-126": str(index),
        "BT-153": line["product"][:100],
        "BT-154": f"Ferme : {line['farm']}" if line["farm"] else "",
        "BT-129": _quantity(line),
        "BT-130": UNIT_CODES.get(line["unit"], "H87"),
        "BT-146": _euros(line["unit_price_cents"]),
        "BT-131": _euros(line["total_cents"]),
        "BT-151": VAT_EXEMPT,
        "BT-152": 0,
    } for index, line in enumerate(doc["lines"], start=1)]
    for line in lines:
        if not line["BT-154"]:
            del line["BT-154"]
    data: dict[str, Any] = {
        "BT-1": doc["number"],
        "BT-2": issued,
        "BT-3": TYPE_CODES[doc["kind"]],
        "BT-5": doc["currency"],
        "BT-9": date.fromisoformat(doc["due_date"]),
        "BG-4": _party(doc["seller"]),
        "BG-7": _party(doc["buyer"]),
        "BG-25": lines,
        "BG-23": [{"BT-116": total, "BT-117": "0.00", "BT-118": VAT_EXEMPT, "BT-119": 0,
                   "BT-120": doc["vat_mention"] or "Exonération de TVA",
                   "BT-121": "VATEX-FR-FRANCHISE"}],
        "BT-106": total, "BT-109": total, "BT-110": "0.00", "BT-112": total,
        "BT-113": _euros(paid), "BT-115": _euros(doc["total_cents"] - paid),
        "BG-1": [{"BT-22": mention} for mention in doc["mentions"]],
    }
    deliveries = sorted(o["delivery_date"] for o in doc.get("orders") or [])
    data["BT-72"] = date.fromisoformat(deliveries[-1]) if deliveries else issued
    if doc.get("period"):
        data["BT-73"] = date.fromisoformat(doc["period"][0])
        data["BT-74"] = date.fromisoformat(doc["period"][1])
    if doc.get("credits"):
        data["BG-3"] = [{"BT-25": doc["credits"]["number"],
                         "BT-26": date.fromisoformat(doc["credits"]["issue_date"])}]
    if doc["seller"].get("iban"):
        data["BT-81"] = "58"  # SEPA credit transfer
        data["BT-84"] = doc["seller"]["iban"]
    return data


def cii_xml(invoice: Invoice) -> bytes:
    """The Factur-X XML (CII, profile EN 16931), checked against the package's XSD."""
    from facturx import generate_cii_xml  # heavy (lxml, schemas): loaded on first use

    return bytes(generate_cii_xml(cii_data(invoice), level=LEVEL, check_xsd=True,
                                  check_schematron=False))


def _fetch_nothing(url: str, *args: Any, **kwargs: Any) -> Any:
    """The document is self-contained: no address in it is ever fetched (no network)."""
    raise ValueError(f"invoices fetch nothing ({url[:40]})")


def pdf(invoice: Invoice) -> bytes:
    """The printed invoice as PDF/A-3b (WeasyPrint)."""
    from weasyprint import CSS, HTML

    page = HTML(string=html(invoice, for_pdf=True), url_fetcher=_fetch_nothing)
    return bytes(page.write_pdf(
        stylesheets=[CSS(string=PRINT_CSS.read_text(encoding="utf-8"))],
        pdf_variant="pdf/a-3b", pdf_identifier=invoice.number.encode()))


def facturx_pdf(invoice: Invoice) -> bytes:
    """The PDF with its CII XML embedded as ``factur-x.xml`` (AFRelationship Data)."""
    from facturx import generate_from_binary

    doc = invoice.content
    title = ("Avoir" if invoice.is_credit_note else "Facture") + f" {doc['number']}"
    return bytes(generate_from_binary(
        pdf(invoice), cii_xml(invoice), flavor="factur-x", level=LEVEL, check_xsd=True,
        check_schematron=False, lang="fr-FR", pdf_metadata={
            "author": doc["seller"]["name"], "keywords": "Factur-X, Facture",
            "title": f"{doc['seller']['name']} : {title}",
            "subject": f"{title} du {doc['issue_date']} pour {doc['buyer']['name']}"}))


def printable_pdf(invoice: Invoice) -> bytes:
    """Factur-X for a public buyer (a canteen), a plain PDF/A for a household."""
    return facturx_pdf(invoice) if invoice.canteen_id is not None else pdf(invoice)


# How the document writes figures: always the French way, whatever the reader's language.
FR_UNITS = {"kg": ("kg", "kg"), "litre": ("litre", "litres"), "piece": ("pièce", "pièces"),
            "bunch": ("botte", "bottes"), "dozen": ("douzaine", "douzaines"),
            BASKET: ("panier", "paniers")}


def fr_money(cents: int) -> str:
    from babel.numbers import format_currency

    return str(format_currency(Decimal(cents) / 100, "EUR", locale="fr_FR"))


def fr_date(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def fr_quantity(line: dict[str, Any]) -> str:
    from babel.numbers import format_decimal

    per = 1 if line["unit"] == BASKET else base_per_unit(line["unit"])
    value = line["quantity"] / per
    one, many = FR_UNITS.get(line["unit"], (line["unit"], line["unit"]))
    return f"{format_decimal(value, locale='fr_FR')} {one if value < 2 else many}"


def fr_per_unit(unit: str) -> str:
    return "" if unit == BASKET else f" / {FR_UNITS.get(unit, (unit,))[0]}"


FILTERS = {"fr_money": fr_money, "fr_date": fr_date, "fr_quantity": fr_quantity,
           "fr_per_unit": fr_per_unit}
