"""Two of each owner (households, hosts and their points, canteens), each with what
they own in an open week, for the tests of who may reach what. (The demo has two
farms already; a farmer's pages take no object id: the farm is the account's.)"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from canteens import menus
from canteens import tasks as canteen_tasks
from canteens.models import Canteen, CanteenClosure, PlanJob, StoredPlan
from paniers.accounts import invitations
from paniers.accounts.models import Membership, Role, User
from paniers.delivery.models import Route, RouteStop, Vehicle
from paniers.extensions import db
from paniers.orders import services as orders
from paniers.orders.models import Order, OrderSource
from paniers.payments.models import Payment
from paniers.points.models import PickupPoint
from paniers.types import utcnow
from tests.conftest import Browser
from tests.integration.week import open_week, product, user
from tests.support.school_weeks import school_monday_after

PASSWORD = "paniers-demo"


@dataclass(frozen=True)
class Owner:
    """An account and what it owns: its order in the week, its point, its plan."""

    email: str
    order_id: int | None = None
    point_id: int | None = None
    plan_id: int | None = None
    plan_day: str | None = None


@dataclass(frozen=True)
class World:
    cycle_id: int
    format_id: int
    route_id: int
    vehicle_id: int
    households: tuple[Owner, Owner]
    hosts: tuple[Owner, Owner]
    canteens: tuple[Owner, Owner]
    closure_id: int = 0  # a closure day of the first canteen


def code_id(model: Any, code: str) -> int:
    found = db.session.scalar(select(model.id).where(model.code == code))
    assert found is not None, f"{model.__name__} {code} is missing"
    return int(found)


def add_user(email: str, name: str, role: Role, **attachment: int) -> User:
    """A second account of a role, with the demo password (its hash copied)."""
    added = User(email=email, name=name, role=role, locale="fr", email_confirmed_dt=utcnow(),
                 password_hash=user("foyer@paniers.demo").password_hash, **attachment)
    db.session.add(added)
    db.session.commit()
    return added


def household_order(email: str, cycle_id: int, point_id: int) -> int:
    return orders.place_order(user(email), cycle_id, point_id,
                              orders.Cart({}, {product("Œufs").id: 1})).id


def canteen_order(email: str, cycle_id: int) -> int:
    manager = user(email)
    canteen = db.session.get(Canteen, manager.canteen_id)
    assert canteen is not None
    return orders.place_order(manager, cycle_id, canteen.point_id,
                              orders.Cart({}, {product("Pomme de terre").id: 2000}),
                              source=OrderSource.CANTEEN).id


def week_plan(canteen_id: int) -> tuple[int, str]:
    """A one-week menu plan of the canteen, planned as a worker would; its first day."""
    canteen = db.session.get(Canteen, canteen_id)
    assert canteen is not None
    monday = school_monday_after(date.today())
    job = menus.start_planning(canteen, monday, weeks=1)
    canteen_tasks.plan_menus(job.id)
    db.session.expire_all()
    plan = db.session.get(StoredPlan, db.session.get(PlanJob, job.id).plan_id)
    assert plan is not None and plan.meals, "the planner left no meal"
    return plan.id, plan.meals[0].service_date.isoformat()


def route_at(cycle_id: int, point_id: int) -> tuple[int, int]:
    """A delivery round of the week stopping at the point, as the planner would store it."""
    vehicle_id = db.session.scalar(select(Vehicle.id).order_by(Vehicle.id))
    assert vehicle_id is not None
    leaves = datetime.now(UTC) + timedelta(days=8)
    route = Route(cycle_id=cycle_id, vehicle_id=vehicle_id, departs_dt=leaves,
                  returns_dt=leaves + timedelta(hours=3), distance_m=12_000, cost_cents=900)
    route.stops.append(RouteStop(sequence=1, point_id=point_id, arrives_dt=leaves,
                                 starts_dt=leaves, departs_dt=leaves, weight_g=3000,
                                 crates=1, load_after_kg=0))
    db.session.add(route)
    db.session.commit()
    return route.id, vehicle_id


def build_world(*, plans: bool = True) -> World:
    """The demo's accounts and a second household, host and canteen manager, each owning
    an order (or, for hosts, a point with an order) in an open week."""
    cycle = open_week(supply={"Pomme de terre": 50_000, "Œufs": 20})
    loos, lens = code_id(PickupPoint, "relay-loos"), code_id(PickupPoint, "relay-lens")
    residence = code_id(Canteen, "canteen-loos-residence")
    add_user("foyer-lens@paniers.demo", "Famille Lens", Role.HOUSEHOLD, point_id=lens)
    add_user("hote-lens@paniers.demo", "Hôte de Lens", Role.RELAY_HOST, point_id=lens)
    add_user("cantine-residence@paniers.demo", "Gérant Résidence", Role.CANTEEN_MANAGER,
             canteen_id=residence)
    households = (
        Owner("foyer@paniers.demo", household_order("foyer@paniers.demo", cycle.id, loos)),
        Owner("foyer-lens@paniers.demo",
              household_order("foyer-lens@paniers.demo", cycle.id, lens)),
    )
    school = user("cantine@paniers.demo").canteen_id
    first = week_plan(school) if plans else (None, None)
    second = week_plan(residence) if plans else (None, None)
    canteens = (
        Owner("cantine@paniers.demo", canteen_order("cantine@paniers.demo", cycle.id),
              plan_id=first[0], plan_day=first[1]),
        Owner("cantine-residence@paniers.demo",
              canteen_order("cantine-residence@paniers.demo", cycle.id),
              plan_id=second[0], plan_day=second[1]),
    )
    route_id, vehicle_id = route_at(cycle.id, loos)
    closure = CanteenClosure(canteen_id=school, first_day=date.today() + timedelta(days=300),
                             last_day=date.today() + timedelta(days=300), reason="Grève")
    db.session.add(closure)
    db.session.commit()
    return World(
        cycle_id=cycle.id, format_id=cycle.formats[0].id, route_id=route_id,
        vehicle_id=vehicle_id, households=households,
        hosts=(Owner("hote@paniers.demo", households[0].order_id, loos),
               Owner("hote-lens@paniers.demo", households[1].order_id, lens)),
        canteens=canteens, closure_id=closure.id,
    )


def order_state(order_id: int) -> tuple[Any, ...]:
    """What a refused request must leave as it was: the order and its payment."""
    db.session.expire_all()
    order = db.session.get(Order, order_id)
    assert order is not None
    payment = db.session.scalar(select(Payment).where(Payment.order_id == order_id))
    return (order.status, order.total_cents,
            None if payment is None else (payment.status, payment.method, payment.pickup_means))


class Visitor:
    """A browser that asks for one address at a time, without following redirects or
    sending a Referer, so that a refusal shows as its status code."""

    def __init__(self, app: Any, email: str | None = None) -> None:
        self.browser = Browser(app)
        self.email = email
        self.token = ""
        self.sign_in()

    def sign_in(self) -> None:
        if self.email is not None:
            self.browser.login(self.email, PASSWORD)
        page = self.browser.get("/compte/" if self.email else "/connexion").html
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert match, f"no CSRF token for {self.email or 'a visitor'}"
        self.token = match.group(1)

    def get(self, path: str) -> Answer:
        with self.browser.app.app_context():
            return Answer.of(self.browser.client.get(path))

    def post(self, path: str, data: dict[str, Any] | None = None, *,
             csrf: bool = True) -> Answer:
        payload = dict(data or {}) | ({"csrf_token": self.token} if csrf else {})
        with self.browser.app.app_context():
            return Answer.of(self.browser.client.post(path, data=payload))


@dataclass(frozen=True)
class Answer:
    """A response read and closed (a static file would otherwise stay open)."""

    status_code: int
    location: str
    text: str

    @classmethod
    def of(cls, response: Any) -> Answer:
        try:
            # Bytes (a zip download) read as text as well as they can.
            return cls(response.status_code, response.location or "",
                       response.get_data().decode("utf-8", "replace"))
        finally:
            response.close()



def membership_of(email: str) -> int:
    """The id of the membership row of a household's role (written if it has none)."""
    account = user(email)
    found = db.session.scalar(select(Membership.id).where(Membership.user_id == account.id,
                                                          Membership.active.is_(True)))
    if found is None:
        row = Membership(user_id=account.id, role=account.role, point_id=account.point_id,
                         active=True)
        db.session.add(row)
        db.session.commit()
        found = row.id
    return int(found)


def pending_invitation() -> int:
    """An invitation of a new farmer of the demo's farm, pending (the same one each call)."""
    farm_id = user("producteur@paniers.demo").farm_id
    return invitations.invite("nouveau-producteur@example.org", Role.FARMER,
                              farm_id=farm_id).id
