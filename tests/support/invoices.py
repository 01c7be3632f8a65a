"""An issued invoice for each role of the access tests, written as the service would
freeze it (the access week is still open: nothing can be invoiced through the service)."""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from paniers.extensions import db
from paniers.invoices import content, numbering
from paniers.invoices.models import BuyerKind, Invoice, InvoiceKind
from paniers.transaction import transaction
from tests.integration.week import user
from tests.support.access import World


def invoice_for(world: World, role: str) -> int:
    """The id of an invoice the role may read (a canteen's for its manager, the first
    household's otherwise), issued once per world."""
    canteen = role == "canteen"
    owner = user(world.canteens[0].email if canteen else world.households[0].email)
    subject = f"test:{world.cycle_id}:{'canteen' if canteen else 'household'}"
    found = db.session.scalar(select(Invoice.id).where(Invoice.subject == subject))
    if found is not None:
        return int(found)
    buyer = {"kind": BuyerKind.CANTEEN if canteen else BuyerKind.HOUSEHOLD, "name": owner.name,
             "street": "1 place de la Mairie", "postcode": "62750", "city": "Loos-en-Gohelle",
             "country": "FR", "siret": "90000001900019" if canteen else "", "email": ""}
    line = content.InvoiceLine("Ferme du Marais", "Pomme de terre", "kg", 2000, 240, 480)
    today = date.today()
    with transaction():
        sequence, number = numbering.next_number(today.year)
        invoice = Invoice(
            number=number, year=today.year, sequence=sequence, kind=InvoiceKind.INVOICE,
            buyer_kind=buyer["kind"], subject=subject, total_cents=480,
            canteen_id=owner.canteen_id if canteen else None,
            user_id=None if canteen else owner.id,
            content=content.document(kind=InvoiceKind.INVOICE, number=number, issued=today,
                                     config=current_app.config, buyer=buyer, lines=[line],
                                     payments=[]))
        db.session.add(invoice)
    return invoice.id
