"""What an invoice says, as plain data: the JSON stored at issue and read back to draw it.

Pure functions over plain rows: ``InvoiceLine`` values in, a dictionary out. Money is
integer cents, quantities base amounts (grams, millilitres, a count; baskets counted).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

BASKET = "basket"  # the unit of a basket line (a count of baskets)
POSTCODE_CITY = re.compile(r"(?P<postcode>\d{5})\s+(?P<city>[^,\n]+)\s*$")


@dataclass(frozen=True)
class InvoiceLine:
    farm: str  # the farm (or farms, for a basket) the produce came from
    product: str
    unit: str  # producers.units.Unit, or BASKET
    quantity: int  # base amount
    unit_price_cents: int  # per sale unit
    total_cents: int


def merge_lines(lines: list[InvoiceLine]) -> list[InvoiceLine]:
    """One line per farm, product and price (a month's weeks added up), sorted by farm."""
    merged: dict[tuple[str, str, str, int], list[int]] = defaultdict(lambda: [0, 0])
    for line in lines:
        key = (line.farm, line.product, line.unit, line.unit_price_cents)
        merged[key][0] += line.quantity
        merged[key][1] += line.total_cents
    return [InvoiceLine(farm, product, unit, quantity, price, total)
            for (farm, product, unit, price), (quantity, total) in sorted(merged.items())
            if quantity > 0]


def split_address(text: str) -> dict[str, str]:
    """A typed address ("12 rue X, 62750 Loos-en-Gohelle") as street, postcode and city."""
    text = text.strip()
    found = POSTCODE_CITY.search(text)
    if not found:
        return {"street": text, "postcode": "", "city": ""}
    street = text[:found.start()].strip().rstrip(",").strip()
    return {"street": street, "postcode": found["postcode"], "city": found["city"].strip()}


def seller(config: dict[str, Any]) -> dict[str, str]:
    return {
        "name": config["INVOICE_SELLER_NAME"],
        "street": config["INVOICE_SELLER_STREET"],
        "postcode": config["INVOICE_SELLER_POSTCODE"],
        "city": config["INVOICE_SELLER_CITY"],
        "country": "FR",
        "siret": config["INVOICE_SELLER_SIRET"],
        "email": config["INVOICE_SELLER_EMAIL"],
        "iban": config["INVOICE_SELLER_IBAN"],
    }


def mentions(config: dict[str, Any], *, business: bool, due: date) -> list[str]:
    """The legal mentions: VAT status, payment date; for a business buyer the late
    payment penalties and the fixed recovery indemnity (Code de commerce, L441-10)."""
    said = [config["INVOICE_VAT_MENTION"]] if config["INVOICE_VAT_MENTION"] else []
    said.append(f"Date d'échéance : {due.strftime('%d/%m/%Y')}. Pas d'escompte pour "
                "paiement anticipé.")
    if business:
        said.append("Pénalités de retard : trois fois le taux d'intérêt légal. Indemnité "
                    "forfaitaire pour frais de recouvrement : 40 €.")
    return said


def document(*, kind: str, number: str, issued: date, config: dict[str, Any],
             buyer: dict[str, str], lines: list[InvoiceLine], payments: list[dict[str, Any]],
             period: tuple[date, date] | None = None, orders: list[dict[str, Any]] | None = None,
             credits: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the invoice says, frozen: the stored ``Invoice.content``."""
    total = sum(line.total_cents for line in lines)
    paid = sum(p["amount_cents"] for p in payments)
    due = issued + timedelta(days=int(config["INVOICE_PAYMENT_DAYS"]))
    return {
        "kind": kind,
        "number": number,
        "issue_date": issued.isoformat(),
        "due_date": due.isoformat(),
        "currency": "EUR",
        "seller": seller(config),
        "buyer": buyer,
        "period": [period[0].isoformat(), period[1].isoformat()] if period else None,
        "orders": orders or [],
        "lines": [{"farm": line.farm, "product": line.product, "unit": line.unit,
                   "quantity": line.quantity, "unit_price_cents": line.unit_price_cents,
                   "total_cents": line.total_cents, "vat_rate_pct": 0} for line in lines],
        "total_cents": total,
        "vat_cents": 0,
        "payments": payments,
        "paid_cents": paid,
        "due_cents": max(total - paid, 0),
        "vat_mention": config["INVOICE_VAT_MENTION"],
        "mentions": mentions(config, business=buyer.get("kind") == "canteen", due=due),
        "credits": credits,
    }
