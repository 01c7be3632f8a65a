"""Import the whole network (points, farms, hubs, produce, fleet): everything or nothing.

Every row of the three files is checked first; one problem anywhere and nothing is
written. Records are matched by the files' ids (products by name): importing the same
files twice changes nothing the second time. Records absent from the files are left as
they are (deactivating is an explicit act of a coordinator, not a side effect).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from canteens.models import Canteen
from paniers.accounts import invitations
from paniers.accounts.models import Role
from paniers.delivery.models import Vehicle
from paniers.extensions import db
from paniers.geo import road_distance_m
from paniers.journal import services as journal
from paniers.network.files import FILE_NAMES, NETWORK, FileProblem, Table, read_table
from paniers.network.reading import Problem, Record, read_records
from paniers.points.models import Hub, PickupPoint
from paniers.transaction import transaction
from producers.models import Farm, Product

MODELS: dict[str, tuple[Any, str]] = {
    "hub": (Hub, "code"), "farm": (Farm, "code"), "point": (PickupPoint, "code"),
    "product": (Product, "name"), "vehicle": (Vehicle, "code"),
}
KIND_ORDER = ("hub", "farm", "point", "product", "vehicle")
KIND_LABELS = {"hub": _l("Plateformes"), "farm": _l("Fermes"), "point": _l("Points de retrait"),
               "product": _l("Produits"), "vehicle": _l("Véhicules")}


@dataclass(frozen=True)
class Invitation:
    """Someone named in the files to invite once the import is written."""

    email: str
    role: str
    code: str  # the farm's or point's id in the files
    farm_id: int | None = None
    point_id: int | None = None
    canteen_id: int | None = None


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    # kind -> {"created": n, "updated": n, "unchanged": n}
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    to_invite: list[Invitation] = field(default_factory=list)
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # kind, key, outcome
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.counts.values())


def summary(result: ImportResult) -> str:
    created = ngettext("%(num)d ajout", "%(num)d ajouts", result.total("created"))
    updated = ngettext("%(num)d modification", "%(num)d modifications",
                       result.total("updated"))
    return _("Réseau importé : %(created)s, %(updated)s.", created=created, updated=updated)


def file_problem_message(problem: FileProblem) -> str:
    messages = {
        "missing": _("fichier manquant"),
        "encoding": _("le fichier n'est pas en UTF-8 (l'enregistrer en « CSV UTF-8 »)"),
        "empty": _("le fichier est vide"),
        "missing_columns": _("colonnes manquantes : %(detail)s", detail=problem.detail),
        "unknown_columns": _("colonnes inconnues ou en double : %(detail)s",
                             detail=problem.detail),
        "too_big": _("fichier trop gros"),
        "not_zip": _("ce n'est pas une archive zip lisible"),
    }
    return messages.get(problem.code, problem.code)


def read_tables(texts: Mapping[str, bytes]) -> tuple[dict[str, Table], list[Problem]]:
    tables, problems = {}, []
    for name in FILE_NAMES:
        try:
            if name not in texts:
                raise FileProblem(name, "missing")
            tables[name] = read_table(name, texts[name])
        except FileProblem as problem:
            problems.append(Problem(name, 0, "", file_problem_message(problem)))
    return tables, problems


def _existing(kind: str) -> dict[str, Any]:
    model, key = MODELS[kind]
    return {getattr(record, key): record for record in db.session.scalars(select(model))}


def _check_ids_across_kinds(records: list[Record], problems: list[Problem]) -> None:
    """One id, one thing: a hub's id may not name a farm or a point already stored."""
    owners = {code: kind for kind in ("hub", "farm", "point") for code in _existing(kind)}
    for record in records:
        owner = owners.get(record.key)
        if record.kind in ("hub", "farm", "point") and owner not in (None, record.kind):
            problems.append(Problem(NETWORK, record.line, "id", _(
                "« %(value)s » désigne déjà autre chose dans le réseau (%(kind)s)",
                value=record.key, kind=owner)))


def _hub_positions(records: list[Record]) -> dict[str, tuple[float, float]]:
    positions = {code: (hub.lat, hub.lon) for code, hub in _existing("hub").items()}
    positions.update({r.key: (r.fields["lat"], r.fields["lon"]) for r in records
                      if r.kind == "hub"})
    return positions


def _complete(records: list[Record], problems: list[Problem]) -> None:
    """Fields that depend on other rows: each farm's road distance to its nearest hub."""
    hubs = list(_hub_positions(records).values())
    for record in records:
        if record.kind != "farm":
            continue
        if not hubs:
            problems.append(Problem(NETWORK, record.line, "kind", _(
                "le réseau n'a pas de plateforme (une ligne de type « hub »)")))
            return
        farm = (record.fields["lat"], record.fields["lon"])
        record.fields["distance_m"] = min(road_distance_m(*farm, *hub) for hub in hubs)


def _current(kind: str, stored: Any, name: str) -> Any:
    if kind == "vehicle" and name == "hub_code":
        return db.session.get_one(Hub, stored.hub_id).code
    return getattr(stored, name)


def _changed(record: Record, stored: Any) -> bool:
    return not stored.active or any(_current(record.kind, stored, name) != value
                                    for name, value in record.fields.items())


def _outcome(record: Record, existing: dict[str, dict[str, Any]]) -> str:
    stored = existing[record.kind].get(record.key)
    if stored is None:
        return "created"
    return "updated" if _changed(record, stored) else "unchanged"


def _write(record: Record, existing: dict[str, dict[str, Any]]) -> Any:
    model, key = MODELS[record.kind]
    stored = existing[record.kind].get(record.key)
    if stored is None:
        stored = model(**{key: record.key})
        db.session.add(stored)
    for name, value in record.fields.items():
        if name == "hub_code":
            stored.hub_id = existing["hub"][value].id
        else:
            setattr(stored, name, value)
    stored.active = True
    if record.kind == "hub":
        db.session.flush()  # the fleet below refers to it
        existing["hub"][record.key] = stored
    return stored


def _invitation(record: Record, stored: Any) -> Invitation:
    if record.kind == "farm":
        return Invitation(record.email, Role.FARMER, record.key, farm_id=stored.id)
    if stored.kind == "canteen":
        canteen_id = db.session.scalar(select(Canteen.id).where(Canteen.point_id == stored.id))
        return Invitation(record.email, Role.CANTEEN_MANAGER, record.key, point_id=stored.id,
                          canteen_id=canteen_id)
    return Invitation(record.email, Role.RELAY_HOST, record.key, point_id=stored.id)


def send_invitations(pairs: list[Invitation]) -> list[Invitation]:
    """Invite the farmers, hosts and canteen managers the files name, inside the import's
    transaction (their e-mails leave once it commits). Someone already holding the role
    is not invited again; the others are returned, listed in the import's result."""
    invited = []
    for pair in pairs:
        try:
            invitations.invite(pair.email, pair.role, farm_id=pair.farm_id,
                               point_id=pair.point_id, canteen_id=pair.canteen_id,
                               invited_by=_acting_user_id())
        except invitations.AlreadyMember:
            continue
        invited.append(pair)
    return invited


def _acting_user_id() -> int | None:
    """The coordinator importing in the browser; nobody from the command line."""
    if has_request_context() and current_user.is_authenticated:
        return int(current_user.id)
    return None


def import_network(texts: Mapping[str, bytes], *, dry_run: bool = False,
                   source: str = "") -> ImportResult:
    """Check the three files, then (unless ``dry_run``) write them in one transaction."""
    result = ImportResult()
    tables, result.problems = read_tables(texts)
    if result.problems:
        return result
    records = read_records(tables, set(_existing("hub")), result.problems)
    _check_ids_across_kinds(records, result.problems)
    _complete(records, result.problems)
    if result.problems:
        return result
    existing = {kind: _existing(kind) for kind in KIND_ORDER}
    outcomes = [(record, _outcome(record, existing)) for record in records]
    for kind in KIND_ORDER:
        result.counts[kind] = Counter({"created": 0, "updated": 0, "unchanged": 0})
    for record, outcome in outcomes:
        result.counts[record.kind][outcome] += 1
        if outcome != "unchanged":
            result.changes.append((record.kind, record.key, outcome))
    if dry_run:
        result.to_invite = [Invitation(r.email, "", r.key) for r, _o in outcomes
                            if r.email and _new_email(r, existing)]
        return result
    with transaction():
        _apply(outcomes, existing, result, source)
    result.applied = True
    return result


def _new_email(record: Record, existing: dict[str, dict[str, Any]]) -> bool:
    stored = existing[record.kind].get(record.key)
    column = "contact_email" if record.kind == "farm" else "host_email"
    return stored is None or getattr(stored, column) != record.email


def _apply(outcomes: list[tuple[Record, str]], existing: dict[str, dict[str, Any]],
           result: ImportResult, source: str) -> None:
    pairs = []
    for record, outcome in sorted(outcomes, key=lambda o: KIND_ORDER.index(o[0].kind)):
        if outcome == "unchanged":
            continue
        invite = bool(record.email) and _new_email(record, existing)
        stored = _write(record, existing)
        if invite:
            db.session.flush()
            pairs.append(_invitation(record, stored))
    result.to_invite = send_invitations(pairs)
    created, updated = result.total("created"), result.total("updated")
    if created or updated:
        journal.record("network.imported", subject=source or ", ".join(FILE_NAMES),
                       created=created, updated=updated,
                       **{f"{kind}_{outcome}": counter[outcome]
                          for kind, counter in result.counts.items()
                          for outcome in ("created", "updated") if counter[outcome]})
