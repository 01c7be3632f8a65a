"""The network's rows checked one by one: plain records, or problems with file, line, column.

Every row is read and every problem kept, so that a coordinator sees them all at once.
Nothing here writes to the database; ``services`` compares the records with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from paniers.network.files import FLEET, NETWORK, PRODUCE, Row, Table
from paniers.windows import WindowError, parse, spec
from producers.models import OrganicStatus, parse_months
from producers.units import Unit

POINT_KINDS = ("relay", "shop", "canteen", "city")
NETWORK_KINDS = ("hub", "farm", *POINT_KINDS)
VEHICLE_KINDS = ("van", "truck", "cargo_bike")
# Metropolitan France and Corsica, generously: a point outside is a typo (lat and lon swapped,
# a sign lost), not a new town.
FRANCE_LAT = (41.3, 51.2)
FRANCE_LON = (-5.3, 9.7)
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
STATUS_IN_NOTES = re.compile(r"\b(AB|C1|C2|C3)\b")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.line:
            return _("%(file)s : %(message)s", file=self.file, message=self.message)
        if not self.column:
            return _("%(file)s, ligne %(line)d : %(message)s", file=self.file, line=self.line,
                     message=self.message)
        return _("%(file)s, ligne %(line)d, colonne « %(column)s » : %(message)s",
                 file=self.file, line=self.line, column=self.column, message=self.message)


@dataclass
class Record:
    """One row ready for the database: which model (``kind``), its key, its fields."""

    kind: str  # hub, farm, point, product, vehicle
    key: str  # the file's id, or the product's name
    fields: dict[str, Any]
    line: int
    email: str = ""  # the farmer or host to invite


class RowReader:
    """Reads the cells of one row, noting each problem instead of stopping at the first."""

    def __init__(self, row: Row, problems: list[Problem]) -> None:
        self.row, self.problems = row, problems

    def fail(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.row.file, self.row.line, column, message))

    def text(self, column: str, max_length: int, *, required: bool = False) -> str:
        value = self.row.values.get(column, "")
        if required and not value:
            self.fail(column, _("à remplir"))
        elif len(value) > max_length:
            self.fail(column, _("trop long (%(max)d caractères au plus)", max=max_length))
        return value

    def whole(self, column: str, *, required: bool = False, minimum: int = 0) -> int | None:
        value = self.row.values.get(column, "")
        if not value:
            if required:
                self.fail(column, _("à remplir"))
            return None
        if not value.isdigit() or int(value) < minimum or int(value) > 10_000_000:
            self.fail(column, _("« %(value)s » n'est pas un nombre entier d'au moins "
                                "%(min)d", value=value, min=minimum))
            return None
        return int(value)

    def decimal(self, column: str, places: int, *, positive: bool = False) -> Decimal | None:
        value = self.row.values.get(column, "")
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or number < 0 or (positive and number == 0):
            self.fail(column, _("« %(value)s » n'est pas un nombre (un point pour les décimales)",
                                value=value))
            return None
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places or number > 1_000_000:
            self.fail(column, _("« %(value)s » : %(places)d décimales au plus", value=value,
                                places=places))
            return None
        return number

    def position(self) -> tuple[float, float] | None:
        lat, lon = self.decimal("lat", 6), self.row.values.get("lon", "")
        try:
            lon_value = float(Decimal(lon))
        except InvalidOperation:
            self.fail("lon", _("« %(value)s » n'est pas un nombre (un point pour les décimales)",
                               value=lon))
            return None
        if lat is None:
            return None
        if not (FRANCE_LAT[0] <= lat <= FRANCE_LAT[1] and FRANCE_LON[0] <= lon_value
                <= FRANCE_LON[1]):
            self.fail("lat", _("la position %(lat)s, %(lon)s est hors de France (latitude et "
                               "longitude inversées ?)", lat=lat, lon=lon))
            return None
        return float(lat), lon_value

    def windows(self, column: str, *, required: bool = False, single: bool = False) -> tuple:
        value = self.row.values.get(column, "")
        if not value:
            if required:
                self.fail(column, _("à remplir, par exemple « Fri 13:00-16:00 »"))
            return ()
        try:
            windows = parse(value)
        except WindowError as error:
            self.fail(column, window_message(error))
            return ()
        if single and len(windows) > 1:
            self.fail(column, _("un seul créneau ici"))
            return ()
        return windows

    def empty(self, column: str, why: str) -> None:
        if self.row.values.get(column, ""):
            self.fail(column, why)

    def email(self) -> str:
        value = self.row.values.get("email", "")
        if not value:
            return ""
        try:
            return str(validate_email(value, check_deliverability=False).normalized)
        except EmailNotValidError:
            self.fail("email", _("« %(value)s » n'est pas une adresse e-mail", value=value))
            return ""


def window_message(error: WindowError) -> str:
    messages = {
        "format": _("« %(text)s » : écrire le jour puis les heures, « Fri 13:00-16:00 »"),
        "day": _("« %(text)s » : jour inconnu (Mon, Tue, Wed, Thu, Fri, Sat, Sun)"),
        "time": _("« %(text)s » : heure impossible (de 00:00 à 24:00)"),
        "order": _("« %(text)s » : le créneau finit avant de commencer"),
        "repeated": _("« %(text)s » : un seul créneau par jour"),
    }
    return messages[error.code] % {"text": error.text}


def _duplicates(table: Table, column: str, problems: list[Problem]) -> set[str]:
    seen: dict[str, int] = {}
    duplicated = set()
    for row in table.rows:
        value = row.values.get(column, "")
        if value and value.casefold() in seen:
            duplicated.add(value.casefold())
            problems.append(Problem(table.file, row.line, column, _(
                "« %(value)s » est déjà à la ligne %(line)d", value=value,
                line=seen[value.casefold()])))
        seen.setdefault(value.casefold(), row.line)
    return duplicated


def network_records(table: Table, problems: list[Problem]) -> list[Record]:
    _duplicates(table, "id", problems)
    records = []
    for row in table.rows:
        record = _network_record(RowReader(row, problems))
        if record is not None:
            records.append(record)
    return records


def _network_record(cells: RowReader) -> Record | None:
    values = cells.row.values
    code, kind = values["id"], values["kind"]
    if not CODE.match(code):
        cells.fail("id", _("« %(value)s » : lettres, chiffres, tirets, 40 caractères au plus",
                           value=code))
    if kind not in NETWORK_KINDS:
        cells.fail("kind", _("type « %(value)s » inconnu (%(known)s)", value=kind,
                             known=", ".join(NETWORK_KINDS)))
        return None
    common: dict[str, Any] = {
        "name": cells.text("name", 120, required=True),
        "town": cells.text("town", 80, required=True),
        "notes": cells.text("notes", 255), "address": cells.text("address", 300)}
    position = cells.position()
    if position is not None:
        common["lat"], common["lon"] = position
    if kind == "hub":
        return _hub(cells, code, common)
    if kind == "farm":
        return _farm(cells, code, common)
    return _point(cells, code, kind, common)


def _not_a_point(cells: RowReader, what: str) -> None:
    for column in ("capacity_baskets", "pickup_window"):
        cells.empty(column, _("seulement pour un point de retrait, pas pour %(what)s",
                              what=what))


def _hub(cells: RowReader, code: str, fields: dict[str, Any]) -> Record:
    _not_a_point(cells, _("une plateforme"))
    for column in ("phone", "email"):
        cells.empty(column, _("seulement pour une ferme ou un point de retrait"))
    windows = cells.windows("delivery_window", required=True, single=True)
    if windows:
        fields.update(weekday=windows[0].weekday, open_start_min=windows[0].start_min,
                      open_end_min=windows[0].end_min)
    return Record("hub", code, fields, cells.row.line)


def _farm(cells: RowReader, code: str, fields: dict[str, Any]) -> Record:
    _not_a_point(cells, _("une ferme"))
    fields["drop_windows"] = spec(cells.windows("delivery_window"))
    fields["contact_phone"] = cells.text("phone", 30)
    email = cells.email()
    fields["contact_email"] = email
    status = STATUS_IN_NOTES.search(fields["notes"])
    if status:  # the reference file says it in the notes ("converting to organic: C2")
        fields["organic_status"] = OrganicStatus(status.group(1)).value
    elif "not organic" in fields["notes"]:  # a conventional supplier (sugar, oil, fish)
        fields["organic_status"] = ""
    return Record("farm", code, fields, cells.row.line, email=email)


def _point(cells: RowReader, code: str, kind: str, fields: dict[str, Any]) -> Record:
    fields["kind"] = kind
    fields["capacity_baskets"] = cells.whole("capacity_baskets", minimum=1)
    fields["phone"] = cells.text("phone", 30)
    email = cells.email()
    fields["host_email"] = email
    delivery = cells.windows("delivery_window", required=True)
    if delivery:
        fields.update(delivery_weekday=delivery[0].weekday,
                      delivery_start_min=delivery[0].start_min,
                      delivery_end_min=delivery[0].end_min, delivery_overrides=spec(delivery[1:]))
    pickup = cells.windows("pickup_window")
    fields.update(pickup_weekday=pickup[0].weekday if pickup else None,
                  pickup_start_min=pickup[0].start_min if pickup else None,
                  pickup_end_min=pickup[0].end_min if pickup else None,
                  pickup_overrides=spec(pickup[1:]))
    return Record("point", code, fields, cells.row.line, email=email)


def product_records(table: Table, problems: list[Problem]) -> list[Record]:
    _duplicates(table, "product", problems)
    return [_product(RowReader(row, problems)) for row in table.rows]


def _product(cells: RowReader) -> Record:
    values = cells.row.values
    name = cells.text("product", 80, required=True)
    category = values["category"]
    if not re.fullmatch(r"[a-z_]{1,20}", category):
        cells.fail("category", _("« %(value)s » : un mot en minuscules (vegetable, fruit…)",
                                 value=category))
    if values["unit"] not in tuple(Unit):
        cells.fail("unit", _("unité « %(value)s » inconnue (%(known)s)", value=values["unit"],
                             known=", ".join(Unit)))
    try:
        parse_months(values["months"])
        if not values["months"]:
            raise ValueError
    except ValueError:
        cells.fail("months", _("« %(value)s » : des mois de 1 à 12, par plages séparées par "
                               "des points-virgules (« 9-12;1-3 »)", value=values["months"]))
    weight = cells.decimal("unit_kg", 3, positive=True)
    price = cells.decimal("price_eur_per_unit", 2)
    fields = {"category": category, "unit": values["unit"], "months": values["months"],
              "unit_weight_g": int(weight * 1000) if weight is not None else None,
              "reference_price_cents": int(price * 100) if price is not None else None,
              "price_basis": cells.text("price_basis", 200),
              "nursery_portion_g": cells.whole("nursery_portion_g", minimum=1)}
    return Record("product", name, fields, cells.row.line)


def vehicle_records(table: Table, hub_codes: set[str], problems: list[Problem]) -> list[Record]:
    _duplicates(table, "id", problems)
    return [_vehicle(RowReader(row, problems), hub_codes) for row in table.rows]


def _vehicle(cells: RowReader, hub_codes: set[str]) -> Record:
    values = cells.row.values
    if not CODE.match(values["id"]):
        cells.fail("id", _("« %(value)s » : lettres, chiffres, tirets, 40 caractères au plus",
                           value=values["id"]))
    if values["kind"] not in VEHICLE_KINDS:
        cells.fail("kind", _("type « %(value)s » inconnu (%(known)s)", value=values["kind"],
                             known=", ".join(VEHICLE_KINDS)))
    for column in ("start", "end"):
        if values[column] not in hub_codes:
            cells.fail(column, _("« %(value)s » n'est pas une plateforme du réseau",
                                 value=values[column]))
    if values["start"] != values["end"]:
        cells.fail("end", _("un véhicule revient à sa plateforme de départ"))
    shift = cells.windows("shift", required=True, single=True)
    cost = cells.decimal("cost_per_km_eur", 2)
    fields: dict[str, Any] = {
        "kind": values["kind"], "name": cells.text("name", 120, required=True),
        "hub_code": values["start"],
        "capacity_kg": cells.whole("capacity_kg", required=True, minimum=1),
        "capacity_crates": cells.whole("capacity_crates", required=True),
        "max_km": cells.whole("max_km", minimum=1),
        "cost_per_km_cents": int(cost * 100) if cost is not None else None,
        "notes": cells.text("notes", 255),
    }
    if shift:
        fields.update(shift_weekday=shift[0].weekday, shift_start_min=shift[0].start_min,
                      shift_end_min=shift[0].end_min)
    return Record("vehicle", values["id"], fields, cells.row.line)


def read_records(tables: dict[str, Table], known_hubs: set[str],
                 problems: list[Problem]) -> list[Record]:
    """All three files' records (network first: the fleet refers to its hubs)."""
    for table in tables.values():
        for line, found in table.ragged:
            problems.append(Problem(table.file, line, "", _(
                "%(found)d cellules au lieu de %(expected)d (une virgule dans un nombre ? "
                "écrire 4.44, ou mettre le texte entre guillemets)", found=found,
                expected=len(table.columns))))
    records = network_records(tables[NETWORK], problems)
    hubs = known_hubs | {r.key for r in records if r.kind == "hub"}
    records += product_records(tables[PRODUCE], problems)
    records += vehicle_records(tables[FLEET], hubs, problems)
    return records
