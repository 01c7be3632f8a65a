"""``paniers demo-week``: one whole week, headless, on a fresh database."""

from __future__ import annotations

import random
import tempfile
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from canteens.models import Canteen
from paniers.accounts.models import Role, User
from paniers.cycles import services as cycles
from paniers.cycles.models import BasketFormat, OrderCycle, ProductStock
from paniers.cycles.states import default_cutoff
from paniers.demo.seed import seed_demo
from paniers.errors import ServiceError
from paniers.extensions import db
from paniers.orders import services as orders
from paniers.orders.models import Order, OrderSource, OrderStatus
from paniers.points.models import PickupPoint
from producers import services as producers
from producers.models import Farm, Product, SupplyOffer
from producers.units import Unit, base_per_unit, value_cents

# Of the five farms and the micro-farm, how many offer each product (the rest do not grow it).
FARMS_PER_PRODUCT = 3


def next_delivery(today: date) -> date:
    """The first Friday at least three days ahead, so the cutoff is still to come."""
    day = today + timedelta(days=3)
    return day + timedelta(days=(4 - day.weekday()) % 7)


def declare_demo_supply(cycle: OrderCycle, rng: random.Random) -> None:
    farmers = {f.id: _farmer_of(f) for f in db.session.scalars(select(Farm).order_by(Farm.id))}
    month = cycle.delivery_date.month
    lines: dict[int, list[producers.SupplyLine]] = defaultdict(list)
    for product in db.session.scalars(select(Product).order_by(Product.id)):
        if not product.in_season(month):
            continue
        for farm_id in rng.sample(sorted(farmers), FARMS_PER_PRODUCT):
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
                    farm_id=farm.id)
        user.set_password("paniers-demo")
        db.session.add(user)
        db.session.commit()
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
        user = User(email=email, name=f"Foyer {number:03d}", role=Role.HOUSEHOLD)
        user.set_password("paniers-demo")
        db.session.add(user)
        db.session.commit()
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
    out += ["", "produce sold by the unit, per farm (pro rata of each farm's offer"
            " until allocation runs):"]
    for name, value in sorted(_sold_per_farm(cycle.id).items()):
        out.append(f"  {name:<28} {value / 100:>9.2f} EUR")
    return "\n".join(out)


def _sold_per_farm(cycle_id: int) -> dict[str, int]:
    sold: dict[str, int] = defaultdict(int)
    stocks = {s.product_id: s for s in db.session.scalars(
        select(ProductStock).where(ProductStock.cycle_id == cycle_id))}
    for offer in db.session.scalars(select(SupplyOffer).where(SupplyOffer.cycle_id == cycle_id)):
        stock = stocks[offer.product_id]
        share = offer.quantity * stock.sold // stock.declared if stock.declared else 0
        sold[offer.farm.name] += value_cents(share, offer.price_cents, offer.product.unit)
    return sold


def run_week(households: int, seed: int, today: date | None = None) -> str:
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
    return summary(cycle, outcome)


def run_demo_week(households: int, seed: int, database_url: str | None = None) -> str:
    from paniers import create_app
    from paniers.migrate import upgrade

    with tempfile.TemporaryDirectory(prefix="paniers-week-") as folder:
        url = database_url or f"sqlite:///{Path(folder) / 'week.sqlite'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        upgrade(url)
        with app.app_context():
            return run_week(households, seed)
