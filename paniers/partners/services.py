"""Partners' tokens (issued, listed, revoked, checked) and the catalogue they read.

A token is 32 random bytes shown once to the coordinator who issues it; only its SHA-256
is stored (the token is random, long and never chosen by a person, so a plain fast hash
is enough to make a stolen table useless). Issuing and revoking are written to the
journal in the same transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from paniers.accounts.models import User
from paniers.allocation.models import AllocationLine
from paniers.cycles.models import OrderCycle, ProductStock
from paniers.cycles.states import CycleStatus
from paniers.errors import NotFound, ServiceError
from paniers.extensions import db
from paniers.journal import services as journal
from paniers.money import from_base_amount
from paniers.partners import dfc
from paniers.partners.models import PartnerToken
from paniers.transaction import transaction
from paniers.types import utcnow
from producers.models import Farm, SupplyOffer

TOKEN_BYTES = 32
MAX_PARTNER_CHARS = 120


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Issued:
    token: str  # shown once, never stored
    record: PartnerToken


def issue_token(partner: str, by: User) -> Issued:
    name = " ".join(partner.split())
    if not name:
        raise ServiceError(_("Nommez le partenaire qui recevra ce jeton."))
    if len(name) > MAX_PARTNER_CHARS:
        raise ServiceError(_("Le nom du partenaire est trop long (120 caractères au plus)."))
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction():
        record = PartnerToken(partner=name, token_hash=_hash(token), hint=token[:6],
                              created_by_id=by.id)
        db.session.add(record)
        journal.record("partner.token_issued", subject=name, actor_id=by.id)
    return Issued(token, record)


def revoke_token(token_id: int, by: User) -> PartnerToken:
    with transaction():
        record = db.session.get(PartnerToken, token_id, with_for_update=True)
        if record is None:
            raise NotFound(_("Ce jeton n'existe pas."))
        if record.revoked_dt is not None:
            raise ServiceError(_("Ce jeton est déjà révoqué."))
        record.revoked_dt = utcnow()
        record.revoked_by_id = by.id
        journal.record("partner.token_revoked", subject=record.partner, actor_id=by.id)
    return record


def tokens() -> list[PartnerToken]:
    return list(db.session.scalars(
        select(PartnerToken).order_by(PartnerToken.revoked_dt.is_not(None),
                                      PartnerToken.created_dt.desc())))


def authenticate(header: str | None) -> PartnerToken | None:
    """The active token named by an ``Authorization: Bearer …`` header, or None."""
    scheme, _sep, token = (header or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        return None
    record = db.session.scalar(select(PartnerToken).where(
        PartnerToken.token_hash == _hash(token), PartnerToken.revoked_dt.is_(None)))
    if record is not None:
        with transaction():
            record.last_used_dt = utcnow()
    return record


def _available(cycle: OrderCycle, offers: list[SupplyOffer]) -> dict[int, int]:
    """Base amounts still available per offer: after allocation, what it did not take;
    before, the farm's declaration, capped by what is left unsold of the product."""
    allocated: dict[int, int] = defaultdict(int)
    for offer_id, quantity in db.session.execute(
            select(AllocationLine.offer_id, func.sum(AllocationLine.quantity))
            .where(AllocationLine.cycle_id == cycle.id).group_by(AllocationLine.offer_id)):
        allocated[int(offer_id)] = int(quantity)
    if allocated or cycle.status not in (CycleStatus.OPEN, CycleStatus.CLOSED):
        return {o.id: max(o.quantity - allocated[o.id], 0) for o in offers}
    left = {int(pid): int(declared - sold) for pid, declared, sold in db.session.execute(
        select(ProductStock.product_id, ProductStock.declared, ProductStock.sold)
        .where(ProductStock.cycle_id == cycle.id))}
    return {o.id: max(min(o.quantity, left.get(o.product_id, 0)), 0) for o in offers}


def catalogue(farm_id: int, cycle_id: int, base_url: str) -> dict[str, Any]:
    farm = db.session.get(Farm, farm_id)
    cycle = db.session.get(OrderCycle, cycle_id)
    if farm is None or cycle is None or cycle.status == CycleStatus.DRAFT:
        raise NotFound(_("Pas de catalogue pour cette ferme et cette semaine."))
    offers = list(db.session.scalars(
        select(SupplyOffer).where(SupplyOffer.cycle_id == cycle.id,
                                  SupplyOffer.farm_id == farm.id, SupplyOffer.quantity > 0)))
    available = _available(cycle, offers)
    lines = sorted((dfc.CatalogueLine(
        o.product_id, o.product.name, o.product.category, o.product.unit,
        from_base_amount(available[o.id], o.product.unit), o.price_cents) for o in offers),
        key=lambda line: line.product)
    return dfc.catalogue(base_url, dfc.FarmInfo(farm.id, farm.name, farm.town,
                                                farm.organic_status), cycle.id, lines)


@dataclass(frozen=True)
class Listed:
    farm_id: int
    farm: str
    cycle_id: int
    delivery: str  # ISO date
    status: str


def listed_catalogues(weeks: int = 4) -> list[Listed]:
    """The farms with supply in the latest weeks past their draft: where to look."""
    cycles = list(db.session.scalars(
        select(OrderCycle).where(OrderCycle.status != CycleStatus.DRAFT)
        .order_by(OrderCycle.delivery_date.desc()).limit(weeks)))
    found = db.session.execute(
        select(SupplyOffer.cycle_id, Farm.id, Farm.name).join(Farm)
        .where(SupplyOffer.cycle_id.in_([c.id for c in cycles]), SupplyOffer.quantity > 0)
        .distinct()).all()
    by_cycle = {c.id: c for c in cycles}
    return sorted((Listed(farm_id, name, cycle_id, by_cycle[cycle_id].delivery_date.isoformat(),
                          by_cycle[cycle_id].status) for cycle_id, farm_id, name in found),
                  key=lambda item: (item.delivery, item.farm), reverse=True)
