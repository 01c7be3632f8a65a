"""``paniers demo-week``: one whole week, headless, on a fresh database."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, timedelta

from sqlalchemy import select

from canteens.models import Canteen
from paniers.accounts.models import Role, User
from paniers.allocation.optimiser.week import WeekPlan
from paniers.allocation.services import allocate_cycle
from paniers.cycles import services as cycles
from paniers.cycles.models import BasketFormat, OrderCycle, ProductStock
from paniers.cycles.states import PARIS, default_cutoff
from paniers.delivery.planning import plan_cycle_routes, rounds_of
from paniers.demo.data import supplied_products
from paniers.demo.seed import seed_demo
from paniers.errors import ServiceError
from paniers.extensions import db
from paniers.money import from_base_amount
from paniers.orders import services as orders
from paniers.orders.models import Order, OrderSource, OrderStatus
from paniers.points.models import PickupPoint
from paniers.transaction import transaction
from paniers.types import utcnow
from producers import services as producers
from producers.models import Farm, Product
from producers.units import Unit, base_per_unit
from routing import RoutingResult

# Of the five farms and the micro-farm, how many offer each product (the rest do not grow it).
FARMS_PER_PRODUCT = 3


def next_delivery(today: date) -> date:
    """The first Friday at least three days ahead, so the cutoff is still to come."""
    day = today + timedelta(days=3)
    return day + timedelta(days=(4 - day.weekday()) % 7)


def declare_demo_supply(cycle: OrderCycle, rng: random.Random) -> None:
    farms = list(db.session.scalars(select(Farm).order_by(Farm.id)))
    farmers = {f.id: _farmer_of(f) for f in farms}
    # The dairy, livestock, orchard... suppliers offer their own products; the market
    # gardens share the rest.
    farm_ids = {f.code: f.id for f in farms}
    supplier_of = {product: farm_ids[code] for product, code in supplied_products().items()
                   if code in farm_ids}
    gardens = sorted(f.id for f in farms if f.id not in supplier_of.values())
    month = cycle.delivery_date.month
    lines: dict[int, list[producers.SupplyLine]] = defaultdict(list)
    for product in db.session.scalars(select(Product).order_by(Product.id)):
        if not product.in_season(month):
            continue
        sellers = ([supplier_of[product.name]] if product.name in supplier_of
                   else rng.sample(gardens, min(FARMS_PER_PRODUCT, len(gardens))))
        for farm_id in sellers:
            sale_units = rng.randint(20, 120) if product.unit == Unit.KG else rng.randint(20, 80)
            price = round(product.reference_price_cents * rng.uniform(0.9, 1.1))
            lines[farm_id].append(producers.SupplyLine(
                product.id, sale_units * base_per_unit(product.unit), price))
    for farm_id, farm_lines in lines.items():
        producers.declare_supply(farmers[farm_id], cycle.id, farm_lines)


def _farmer_of(farm: Farm) -> User:
    user = db.session.scalar(select(User).where(User.farm_id == farm.id))
    if user is None:
        user = User(email=f"{farm.code}@paniers.demo", name=farm.name, role=Role.FARMER,
                    farm_id=farm.id, email_confirmed_dt=utcnow())
        user.set_password("paniers-demo")
        with transaction():
            db.session.add(user)
    return user


def simulate_orders(cycle: OrderCycle, households: int, rng: random.Random) -> Counter[str]:
    points = [p for p in db.session.scalars(select(PickupPoint)) if p.orderable]
    weights = [p.capacity_baskets or 10 for p in points]
    formats = list(cycle.formats)
    stocks = list(db.session.scalars(
        select(ProductStock).where(ProductStock.cycle_id == cycle.id, ProductStock.declared > 0)
    ))
    outcome: Counter[str] = Counter()
    for number in range(1, households + 1):
        user = _household(number)
        baskets = {rng.choice(formats).id: 1} if rng.random() < 0.8 else {}
        products = {}
        if stocks and (not baskets or rng.random() < 0.3):
            stock = rng.choice(stocks)
            products[stock.product_id] = rng.randint(1, 3) * base_per_unit(stock.product.unit)
        point = rng.choices(points, weights)[0]
        try:
            orders.place_order(user, cycle.id, point.id, orders.Cart(baskets, products))
            outcome["placed"] += 1
        except ServiceError:
            outcome["refused"] += 1
    _canteen_order(cycle, stocks)
    return outcome


def _household(number: int) -> User:
    email = f"foyer{number:03d}@paniers.demo"
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=f"Foyer {number:03d}", role=Role.HOUSEHOLD,
                    email_confirmed_dt=utcnow())
        user.set_password("paniers-demo")
        with transaction():
            db.session.add(user)
    return user


def _canteen_order(cycle: OrderCycle, stocks: list[ProductStock]) -> None:
    manager = db.session.scalar(select(User).where(User.role == Role.CANTEEN_MANAGER))
    canteen = db.session.get(Canteen, manager.canteen_id) if manager else None
    if manager is None or canteen is None:
        return
    wanted = {}
    for stock in stocks[:4]:  # the week's first vegetables, a fifth of what is offered
        if stock.product.unit == Unit.KG:
            wanted[stock.product_id] = stock.remaining // 5 // 1000 * 1000
    wanted = {k: v for k, v in wanted.items() if v}
    if wanted:
        orders.place_order(manager, cycle.id, canteen.point_id, orders.Cart({}, wanted),
                           source=OrderSource.CANTEEN)


def summary(cycle: OrderCycle, outcome: Counter[str]) -> str:
    live = db.session.scalars(
        select(Order).where(Order.cycle_id == cycle.id, Order.status != OrderStatus.CANCELLED)
    ).all()
    out = [f"Week of {cycle.delivery_date.isoformat()} — cycle {cycle.status}",
           f"orders: {len(live)} placed, {outcome['refused']} refused (stock or quota)",
           f"revenue ordered: {sum(o.total_cents for o in live) / 100:.2f} EUR", "",
           "baskets per format:"]
    for fmt in db.session.scalars(select(BasketFormat).where(BasketFormat.cycle_id == cycle.id)):
        out.append(f"  {fmt.code:<8} {fmt.sold:>4} / {fmt.quota}")
    out += ["", "baskets per pickup point:"]
    per_point: Counter[str] = Counter()
    for order in live:
        baskets = sum(line.quantity for line in order.lines if line.basket_format_id)
        if baskets:
            per_point[f"{order.point.town} — {order.point.name}"] += baskets
    for name, count in sorted(per_point.items()):
        out.append(f"  {name:<48} {count:>4}")
    return "\n".join(out)


def open_demo_week(today: date | None = None, households: int = 12, seed: int = 7) -> OrderCycle:
    """The week in progress the demo starts with: next Friday's cycle open for orders,
    every demo farm's supply declared, a few households' orders placed."""
    rng = random.Random(seed)
    delivery = next_delivery(today or date.today())
    specs = [cycles.FormatSpec(code, price, weight, quota)
             for (code, price, weight, _m), quota in zip(cycles.DEFAULT_FORMATS, (25, 25, 15),
                                                         strict=True)]
    cycle = cycles.create_cycle(delivery, default_cutoff(delivery), specs)
    declare_demo_supply(cycle, rng)
    cycles.open_cycle(cycle.id)
    simulate_orders(cycle, households, rng)
    return cycle


def run_week(households: int, seed: int, today: date | None = None,
             routing_time_s: float = 2.0) -> str:
    """Seed, open a cycle, declare supply, simulate orders, close, and summarise."""
    rng = random.Random(seed)
    seed_demo()
    delivery = next_delivery(today or date.today())
    specs = [cycles.FormatSpec(code, price, weight, quota)
             for (code, price, weight, _m), quota in zip(cycles.DEFAULT_FORMATS, (25, 25, 15),
                                                         strict=True)]
    cycle = cycles.create_cycle(delivery, default_cutoff(delivery), specs)
    declare_demo_supply(cycle, rng)
    cycles.open_cycle(cycle.id)
    outcome = simulate_orders(cycle, households, rng)
    cycles.close_cycle(cycle.id)
    text = summary(cycle, outcome)
    plan = allocate_cycle(cycle.id)
    text += "\n\n" + plan_summary(cycle, plan)
    rounds = plan_cycle_routes(cycle.id, time_limit_s=routing_time_s)
    return text + "\n\n" + rounds_summary(cycle, rounds)


def plan_summary(cycle: OrderCycle, plan: WeekPlan) -> str:
    """The compositions, the split between farms and the shortages of an allocated week."""
    names = {p.id: p for p in db.session.scalars(select(Product))}
    formats = {f.id: f for f in cycle.formats}
    out = ["basket contents (allocated):"]
    for composition in plan.compositions:
        fmt = formats[composition.format_id]
        out.append(f"  {fmt.code:<8} {plan.baskets_served.get(fmt.id, 0):>3} baskets, "
                   f"{composition.value_cents / 100:.2f} EUR, "
                   f"{composition.weight_g / 1000:.2f} kg:")
        for item in composition.items:
            product = names[item.product_id]
            amount = from_base_amount(item.quantity, product.unit)
            out.append(f"      {amount} {product.unit} {product.name}")
    farms = {f.id: f.name for f in db.session.scalars(select(Farm))}
    out += ["", f"split between farms (fairness gap {plan.max_share_gap_pct:.1f} points):",
            f"  {'farm':<24} {'offered':>10} {'sold':>10} {'offer %':>8} {'sales %':>8}"]
    for share in sorted(plan.farms, key=lambda s: farms[s.farm_id]):
        out.append(f"  {farms[share.farm_id]:<24} {share.offered_cents / 100:>10.2f} "
                   f"{share.sold_cents / 100:>10.2f} {share.offered_share_pct:>7.1f}% "
                   f"{share.sold_share_pct:>7.1f}%")
    shortages = plan.shortages
    out += ["", f"shortages: {len(shortages)} lines, refunds "
            f"{sum(s.refund_cents for s in shortages) / 100:.2f} EUR"]
    for line in shortages[:10]:
        out.append(f"  order {line.order_id} line {line.demand_line_id}: {line.short} short "
                   f"({line.reason}), refund {line.refund_cents / 100:.2f} EUR")
    out += [f"  note: {d.message}" for d in plan.diagnoses]
    return "\n".join(out)


def rounds_summary(cycle: OrderCycle, result: RoutingResult) -> str:
    routes, unserved = rounds_of(cycle.id)
    out = [f"delivery rounds ({result.status.value}, {result.total_distance_m / 1000:.1f} km):"]
    for route in routes:
        departs = route.departs_dt.astimezone(PARIS).strftime("%H:%M")
        back = route.returns_dt.astimezone(PARIS).strftime("%H:%M")
        out.append(f"  {route.vehicle.name}: {departs}-{back}, {route.distance_m / 1000:.1f} km")
        for stop in route.stops:
            arrives = stop.arrives_dt.astimezone(PARIS).strftime("%H:%M")
            out.append(f"    {stop.sequence:>2}. {arrives} {stop.point.town} — {stop.point.name} "
                       f"({stop.weight_g / 1000:.1f} kg, {stop.crates} crates)")
    for point in unserved:
        out.append(f"  unserved: {point.point.town} — {point.point.name} ({point.reason})")
    return "\n".join(out)
