"""Write and read the journal.

``record`` adds a line inside the caller's transaction, so the line is kept exactly when
the change it tells of is: a refused change leaves no trace, a committed one always does.
Each line stores an action code and its figures, never a sentence: the page writes the
sentence in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from flask import has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import Select, func, select

from paniers.accounts.models import Role, User
from paniers.cycles.models import OrderCycle
from paniers.extensions import db
from paniers.formatting import long_date, money
from paniers.journal.models import JournalEntry
from paniers.transaction import transaction

PAGE_SIZE = 50


class Kind(StrEnum):
    NETWORK = "network"
    MEMBERS = "members"
    CYCLE = "cycle"
    ALLOCATION = "allocation"
    PAYMENT = "payment"
    EVENING = "evening"
    INVOICE = "invoice"


KIND_LABELS = {
    Kind.NETWORK: _l("Réseau"),
    Kind.MEMBERS: _l("Membres et rôles"),
    Kind.CYCLE: _l("Cycles"),
    Kind.ALLOCATION: _l("Répartition"),
    Kind.PAYMENT: _l("Paiements"),
    Kind.EVENING: _l("Soirées de retrait"),
    Kind.INVOICE: _l("Factures"),
}

ROLE_LABELS = {
    Role.HOUSEHOLD: _l("foyer"),
    Role.FARMER: _l("producteur"),
    Role.CANTEEN_MANAGER: _l("gestionnaire de cantine"),
    Role.RELAY_HOST: _l("hôte de point relais"),
    Role.COORDINATOR: _l("coordination"),
}

MEANS_LABELS = {"cash": _l("espèces"), "cheque": _l("chèque"), "menadel": _l("Ménadel")}


def _date(params: dict[str, Any]) -> str:
    return long_date(datetime.fromisoformat(params["date"]).date()) if params.get("date") else ""


def _role(params: dict[str, Any]) -> str:
    return str(ROLE_LABELS.get(params.get("role", ""), params.get("role", "")))


def _published(p: dict[str, Any]) -> str:
    return ngettext("Répartition publiée pour la livraison du %(date)s : %(num)d foyer "
                    "prévenu d'un manque", "Répartition publiée pour la livraison du %(date)s : "
                    "%(num)d foyers prévenus d'un manque", p["short"], date=_date(p))


def _evening(p: dict[str, Any]) -> str:
    collected = ngettext("%(num)d panier retiré", "%(num)d paniers retirés", p["collected"])
    unclaimed = ngettext("%(num)d non retiré", "%(num)d non retirés", p["unclaimed"])
    return _("Soirée close (livraison du %(date)s) : %(collected)s, %(unclaimed)s",
             date=_date(p), collected=collected, unclaimed=unclaimed)


def _imported(p: dict[str, Any]) -> str:
    created = ngettext("%(num)d ajout", "%(num)d ajouts", p.get("created", 0))
    updated = ngettext("%(num)d modification", "%(num)d modifications", p.get("updated", 0))
    return _("Réseau importé : %(created)s, %(updated)s", created=created, updated=updated)


# Each action: its kind, and how its sentence is written from the stored figures.
ACTIONS: dict[str, tuple[Kind, Callable[[dict[str, Any]], str]]] = {
    "cycle.created": (Kind.CYCLE, lambda p: _(
        "Cycle créé pour la livraison du %(date)s", date=_date(p))),
    "cycle.opened": (Kind.CYCLE, lambda p: _(
        "Commandes ouvertes pour la livraison du %(date)s", date=_date(p))),
    "cycle.closed": (Kind.CYCLE, lambda p: _(
        "Commandes closes pour la livraison du %(date)s", date=_date(p))),
    "allocation.published": (Kind.ALLOCATION, _published),
    "payment.recorded": (Kind.PAYMENT, lambda p: _(
        "Paiement de la commande n° %(order)s enregistré au point : %(amount)s en %(means)s",
        order=p["order"], amount=money(p["amount_cents"]),
        means=MEANS_LABELS.get(p["means"], p["means"]))),
    "evening.closed": (Kind.EVENING, _evening),
    "evening.reopened": (Kind.EVENING, lambda p: _(
        "Soirée rouverte (livraison du %(date)s)", date=_date(p))),
    "pickup.undone": (Kind.EVENING, lambda p: _(
        "Remise de la commande n° %(order)s annulée", order=p["order"])),
    "network.created": (Kind.NETWORK, lambda p: _("Ajouté au réseau")),
    "network.updated": (Kind.NETWORK, lambda p: _("Fiche modifiée")),
    "network.deactivated": (Kind.NETWORK, lambda p: _("Désactivé")),
    "network.reactivated": (Kind.NETWORK, lambda p: _("Réactivé")),
    "network.imported": (Kind.NETWORK, _imported),
    "member.invited": (Kind.MEMBERS, lambda p: _(
        "Invitation envoyée (%(role)s)", role=_role(p))),
    "member.invitation_revoked": (Kind.MEMBERS, lambda p: _(
        "Invitation annulée (%(role)s)", role=_role(p))),
    "member.joined": (Kind.MEMBERS, lambda p: _(
        "Invitation acceptée (%(role)s)", role=_role(p))),
    "member.role_added": (Kind.MEMBERS, lambda p: _("Rôle ajouté : %(role)s", role=_role(p))),
    "member.role_removed": (Kind.MEMBERS, lambda p: _("Rôle retiré : %(role)s", role=_role(p))),
    "member.deactivated": (Kind.MEMBERS, lambda p: _("Compte désactivé")),
    "member.reactivated": (Kind.MEMBERS, lambda p: _("Compte réactivé")),
    "partner.token_issued": (Kind.NETWORK, lambda p: _("Jeton de partenaire émis")),
    "partner.token_revoked": (Kind.NETWORK, lambda p: _("Jeton de partenaire révoqué")),
    "invoice.issued": (Kind.INVOICE, lambda p: _(
        "Facture émise pour %(buyer)s : %(amount)s", buyer=p.get("buyer", ""),
        amount=money(p.get("amount_cents", 0)))),
    "invoice.credited": (Kind.INVOICE, lambda p: _(
        "Avoir émis pour %(buyer)s : %(amount)s", buyer=p.get("buyer", ""),
        amount=money(p.get("amount_cents", 0)))),
}


def _acting_user_id() -> int | None:
    """The person behind the request, if any: the scheduler and the workers act alone."""
    if has_request_context() and current_user.is_authenticated:
        return int(current_user.id)
    return None


def record(action: str, *, subject: str = "", cycle_id: int | None = None,
           actor_id: int | None = None, **params: Any) -> JournalEntry:
    """Add a line to the journal in the current transaction (or its own)."""
    kind, _sentence = ACTIONS[action]  # an unknown action is a programming error
    with transaction():
        entry = JournalEntry(
            action=action, kind=kind, subject=subject[:200], cycle_id=cycle_id, params=params,
            actor_id=actor_id if actor_id is not None else _acting_user_id(),
        )
        db.session.add(entry)
    return entry


def record_cycle(action: str, cycle: OrderCycle, **params: Any) -> JournalEntry:
    return record(action, cycle_id=cycle.id, date=cycle.delivery_date.isoformat(), **params)


@dataclass(frozen=True)
class Line:
    when: datetime
    actor: str
    kind: str
    subject: str
    sentence: str


@dataclass(frozen=True)
class Filters:
    actor_id: int | None = None
    kind: str | None = None
    cycle_id: int | None = None


def _filtered(filters: Filters) -> Select[Any]:
    query = select(JournalEntry)
    if filters.actor_id is not None:
        query = query.where(JournalEntry.actor_id == filters.actor_id)
    if filters.kind:
        query = query.where(JournalEntry.kind == filters.kind)
    if filters.cycle_id is not None:
        query = query.where(JournalEntry.cycle_id == filters.cycle_id)
    return query


def describe(entry: JournalEntry, names: dict[int, str]) -> Line:
    _kind, sentence = ACTIONS.get(entry.action, (entry.kind, lambda p: entry.action))
    actor = names.get(entry.actor_id, "") if entry.actor_id else _("automatique")
    return Line(when=entry.created_dt, actor=actor, kind=str(KIND_LABELS.get(entry.kind, "")),
                subject=entry.subject, sentence=sentence(entry.params or {}))


def page_of(filters: Filters, page: int = 1) -> tuple[list[Line], int]:
    """One page of lines, newest first, and the number of pages."""
    total = db.session.scalar(
        select(func.count()).select_from(_filtered(filters).subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    entries = list(db.session.scalars(
        _filtered(filters).order_by(JournalEntry.created_dt.desc(), JournalEntry.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    ids = {e.actor_id for e in entries if e.actor_id}
    names = {row.id: row.name for row in db.session.execute(
        select(User.id, User.name).where(User.id.in_(ids)))} if ids else {}
    return [describe(entry, names) for entry in entries], pages


def people() -> list[tuple[int, str]]:
    """Who appears in the journal, for the filter."""
    return [(row.id, row.name) for row in db.session.execute(
        select(User.id, User.name).where(
            User.id.in_(select(JournalEntry.actor_id).where(JournalEntry.actor_id.is_not(None))))
        .order_by(User.name))]


def weeks() -> list[OrderCycle]:
    return list(db.session.scalars(select(OrderCycle).order_by(OrderCycle.delivery_date.desc())))
