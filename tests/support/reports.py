"""A delivered week for the reports, built through the services as the roles would: two
farms' supply, households paying at pickup in cash and by cheque (one with a solidarity
basket), a canteen's produce, an evening closed with a basket left at the point."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from paniers.accounts.models import Role
from paniers.allocation import services as allocating
from paniers.cycles import services as cycles
from paniers.cycles.models import OrderCycle
from paniers.cycles.states import PARIS
from paniers.extensions import db
from paniers.orders import services as orders
from paniers.orders.models import Order, OrderSource
from paniers.payments import pickup, solidarity
from paniers.points import services as evenings
from paniers.points.models import PickupPoint
from producers import services as producers
from producers.models import Farm
from tests.integration.week import delivered_today, open_week, product, user
from tests.support.access import add_user, code_id

SUPPLY = {  # a December week, ample: every order is served in full
    "Pomme de terre": 40_000, "Carotte": 25_000, "Poireau": 15_000, "Chou": 12_000,
    "Betterave rouge": 10_000, "Courge": 15_000, "Pomme": 20_000, "Céleri-rave": 8_000,
    "Endive": 10_000, "Mâche": 4_000, "Chou de Bruxelles": 8_000, "Poire": 10_000,
}
SECOND_FARM = {"Carotte": 20_000, "Poireau": 10_000, "Courge": 10_000}


@dataclass(frozen=True)
class Week:
    cycle_id: int
    orders: dict[str, int]  # who -> order id


def delivered_week() -> Week:
    cycle = open_week(quotas=(4, 4, 2), supply=SUPPLY)
    add_user("terrils@paniers.demo", "Paul Terrils", Role.FARMER,
             farm_id=code_id(Farm, "farm-terrils"))
    producers.declare_supply(user("terrils@paniers.demo"), cycle.id, [
        producers.SupplyLine(product(name).id, quantity, product(name).reference_price_cents,
                             out_of_season_confirmed=True)
        for name, quantity in SECOND_FARM.items()])
    add_user("martin@paniers.demo", "Famille Martin", Role.HOUSEHOLD)
    add_user("solidaire@paniers.demo", "Famille Solidaire", Role.HOUSEHOLD)
    solidarity.set_fund(cycle.id, 5_000, 30)
    solidarity.set_eligible(user("solidaire@paniers.demo").id, True)
    formats = {f.code: f.id for f in cycle.formats}
    loos, lens = code_id(PickupPoint, "relay-loos"), code_id(PickupPoint, "relay-lens")
    placed = {
        "foyer": orders.place_order(user("foyer@paniers.demo"), cycle.id, loos, orders.Cart(
            {formats["medium"]: 2}, {product("Pomme").id: 2000})).id,
        "martin": orders.place_order(user("martin@paniers.demo"), cycle.id, loos,
                                     orders.Cart({formats["small"]: 1}, {})).id,
        "solidaire": orders.place_order(user("solidaire@paniers.demo"), cycle.id, lens,
                                        orders.Cart({formats["small"]: 1}, {})).id,
        "cantine": orders.place_order(
            user("cantine@paniers.demo"), cycle.id, code_id(PickupPoint, "canteen-loos-school"),
            orders.Cart({}, {product("Carotte").id: 10_000}), source=OrderSource.CANTEEN).id,
    }
    cycles.close_cycle(cycle.id)
    allocating.allocate_cycle(cycle.id)
    delivered_today(db.session.get(OrderCycle, cycle.id))
    # The evening of the delivery, after the pickup window has opened.
    evening = datetime.combine(date.today(), time(20, 0), PARIS)
    host = user("hote@paniers.demo")
    evenings.check_off(host, placed["foyer"], now=evening)
    pickup.record_pickup_payment(host, placed["foyer"], "cash", now=evening)
    coordinator = user("coordination@paniers.demo")
    evenings.close_evening(host, cycle.id, "charity", "Restos du cœur", point_id=loos,
                           now=evening)
    evenings.check_off(coordinator, placed["solidaire"], now=evening)
    pickup.record_pickup_payment(coordinator, placed["solidaire"], "cheque", now=evening)
    return Week(cycle.id, placed)


def period_query() -> str:
    start, end = date.today() - timedelta(days=7), date.today() + timedelta(days=7)
    return f"du={start.isoformat()}&au={end.isoformat()}"


def order(order_id: int) -> Order:
    found = db.session.get(Order, order_id)
    assert found is not None
    return found


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "no byte order mark: Excel would garble accents"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(body: bytes) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(body))
    sheet = book.active
    assert sheet is not None
    assert all(cell.font.bold for cell in sheet[1]), "the header is not bold"
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def euros(cents: int) -> str:
    """What a French spreadsheet reads as an amount: ``12,50``."""
    return f"{cents / 100:.2f}".replace(".", ",")


def farm_ids() -> dict[str, int]:
    return {f.name: f.id for f in db.session.scalars(select(Farm))}
