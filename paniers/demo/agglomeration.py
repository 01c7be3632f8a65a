"""The agglomeration week, generated: the Lens-Liévin conurbation at full scale.

``paniers seed-agglomeration --households 5000 --seed 1`` loads a plausible network of the
Communauté d'agglomération de Lens-Liévin (36 towns, about 250,000 inhabitants): two hubs
(the Loos-en-Gohelle platform and a second one in Liévin), 80 pickup points (relays and
partner shops in every town, 12 canteens, and the Lille and Dunkerque points), 30 farms
(the demo's six market gardens and eight regional suppliers, and sixteen more market
gardens of the agglomeration's rural towns), a fleet of eight vehicles of three kinds
(vans, light trucks, cargo bikes) based at both hubs, and households, a share of them
subscribed, a share eligible to the solidarity price.

The network and the fleet go through the network importer, as the demo's do; the towns'
centres are approximate (WGS84, 4 decimals), the exact spots and names made up.

Everything is drawn from one seed: :func:`generate` is pure (no database) and gives the
same :class:`Agglomeration` for the same arguments; each household's order of the week
is drawn from ``(seed, household number)`` alone, so that the orders can be placed from
several processes in any split and still be the same week.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import insert, select

from canteens.models import Canteen, CanteenKind
from paniers.accounts.models import Role, User
from paniers.cycles import services as cycles
from paniers.cycles.models import OrderCycle, ProductStock
from paniers.cycles.states import default_cutoff
from paniers.demo.data import DATA, rows
from paniers.demo.seed import DEMO_PASSWORD, import_with_shuttle
from paniers.errors import ServiceError
from paniers.extensions import db
from paniers.network.files import COLUMNS, FLEET, NETWORK, PRODUCE
from paniers.orders import services as orders
from paniers.orders.models import OrderSource
from paniers.payments import services as payments
from paniers.payments import solidarity
from paniers.points.models import PickupPoint
from paniers.subscriptions import services as subscriptions
from paniers.subscriptions.models import Frequency, Subscription, SubscriptionStatus
from paniers.transaction import transaction
from paniers.types import utcnow
from producers import services as producers
from producers.models import Farm, Product
from producers.services import MAX_COUNT, MAX_QUANTITY
from producers.units import Unit, base_per_unit

# The 36 towns of the agglomeration: name, centre (lat, lon), inhabitants (rounded).
TOWNS: tuple[tuple[str, float, float, int], ...] = (
    ("Ablain-Saint-Nazaire", 50.3947, 2.6975, 1900),
    ("Acheville", 50.3847, 2.8800, 600),
    ("Aix-Noulette", 50.4261, 2.7111, 3900),
    ("Angres", 50.4067, 2.7542, 4300),
    ("Annay", 50.4625, 2.8833, 4200),
    ("Avion", 50.4100, 2.8336, 17600),
    ("Bénifontaine", 50.4856, 2.8286, 500),
    ("Billy-Montigny", 50.4172, 2.9031, 8000),
    ("Bouvigny-Boyeffles", 50.4211, 2.6725, 2400),
    ("Bully-les-Mines", 50.4425, 2.7253, 12000),
    ("Carency", 50.3792, 2.7047, 1000),
    ("Éleu-dit-Leauwette", 50.4197, 2.8092, 2900),
    ("Estevelles", 50.4769, 2.9117, 2000),
    ("Fouquières-lès-Lens", 50.4283, 2.9136, 6500),
    ("Givenchy-en-Gohelle", 50.3906, 2.7739, 2100),
    ("Grenay", 50.4528, 2.7439, 6800),
    ("Harnes", 50.4458, 2.9067, 12500),
    ("Hulluch", 50.4867, 2.8175, 3400),
    ("Lens", 50.4322, 2.8333, 31000),
    ("Liévin", 50.4228, 2.7786, 30500),
    ("Loison-sous-Lens", 50.4383, 2.8669, 5100),
    ("Loos-en-Gohelle", 50.4583, 2.7942, 6800),
    ("Mazingarbe", 50.4739, 2.7192, 7600),
    ("Méricourt", 50.4031, 2.8667, 11600),
    ("Meurchin", 50.4994, 2.8931, 4000),
    ("Montigny-en-Gohelle", 50.4256, 2.9389, 10000),
    ("Noyelles-sous-Lens", 50.4306, 2.8722, 6800),
    ("Pont-à-Vendin", 50.4742, 2.8772, 3000),
    ("Sains-en-Gohelle", 50.4453, 2.6839, 6200),
    ("Sallaumines", 50.4203, 2.8631, 9800),
    ("Servins", 50.4097, 2.6400, 1000),
    ("Souchez", 50.3917, 2.7408, 2400),
    ("Vendin-le-Vieil", 50.4731, 2.8664, 7600),
    ("Villers-au-Bois", 50.3756, 2.6744, 500),
    ("Vimy", 50.3725, 2.8114, 4600),
    ("Wingles", 50.4947, 2.8561, 8800),
)
CITIES = (("Lille", 50.6372, 3.0633, 40), ("Dunkerque", 51.0383, 2.3775, 30))
HUBS = (
    ("hub-loos", "Plateforme de tri et de colisage", "Loos-en-Gohelle", 50.4560, 2.7830),
    ("hub-lievin", "Plateforme de Liévin", "Liévin", 50.4190, 2.7700),
)
POINTS = 80
CANTEENS = 12
FARMS = 30
RELAY_NAMES = ("Maison des associations", "Centre social", "Médiathèque", "Salle des fêtes",
               "Mairie annexe", "Foyer rural", "Maison de quartier", "Centre culturel",
               "Maison des jeunes", "Espace citoyen")
SHOP_NAMES = ("Épicerie bio", "Boulangerie", "Épicerie solidaire", "Supérette", "Primeur",
              "Café associatif")
# kind, meals a day, ISO service days, local target %, food budget per meal (cents)
CANTEEN_KINDS = ((CanteenKind.NURSERY, "Restaurant scolaire", 180, "1,2,4,5", 100, 250),
                 (CanteenKind.RESIDENCE, "Résidence autonomie", 40, "1,2,3,4,5,6,7", 15, 400))
# The demo's farms kept: its market gardens and its regional suppliers.
DEMO_FARMS = ("farm-marais", "farm-terrils", "farm-gohelle", "farm-cheminvert",
              "farm-saintpierre", "farm-microferme", "farm-bocage", "farm-septvallees",
              "farm-flandres", "farm-moulin", "farm-lingot", "farm-pevele", "farm-artois",
              "farm-opale")
RURAL_TOWNS = ("Ablain-Saint-Nazaire", "Acheville", "Bénifontaine", "Bouvigny-Boyeffles",
               "Carency", "Estevelles", "Givenchy-en-Gohelle", "Servins", "Souchez",
               "Villers-au-Bois", "Vimy", "Meurchin", "Annay", "Angres", "Aix-Noulette",
               "Hulluch")
# id, kind, name, hub, capacity kg, crates, shift, max km, cost per km (EUR). At this
# scale a point receives 30 to 40 crates (a basket each): the crates, not the kilograms,
# fill a vehicle first, so these are large ones (a 20 m3 van takes about 150 crates of
# 60 x 40 cm stacked five high, a 7.5 t box truck 400). Each hub has a truck: the week's
# 3,300 crates need the local vehicles' three trips of 1,266 crates.
FLEET_ROWS = (
    ("van-loos-1", "van", "Fourgon GNV 20 m³ 1", "hub-loos", 1200, 150, "Fri 06:00-17:00", "",
     "0.35"),
    ("van-loos-2", "van", "Fourgon GNV 20 m³ 2", "hub-loos", 1200, 150, "Fri 06:00-17:00", "",
     "0.35"),
    ("truck-loos", "truck", "Porteur 7,5 t", "hub-loos", 3000, 400, "Fri 05:00-16:00", "",
     "0.60"),
    ("bike-loos", "cargo_bike", "Vélo cargo Loos", "hub-loos", 120, 8, "Fri 08:00-18:00", "25",
     "0.05"),
    ("van-lievin-1", "van", "Fourgon GNV 20 m³ 3", "hub-lievin", 1200, 150, "Fri 06:00-17:00",
     "", "0.35"),
    ("van-lievin-2", "van", "Fourgon GNV 20 m³ 4", "hub-lievin", 1200, 150, "Fri 06:00-17:00",
     "", "0.35"),
    ("truck-lievin", "truck", "Porteur 7,5 t Liévin", "hub-lievin", 3000, 400,
     "Fri 05:00-16:00", "", "0.60"),
    ("bike-lievin", "cargo_bike", "Vélo cargo Liévin", "hub-lievin", 120, 8, "Fri 08:00-18:00",
     "25", "0.05"),
)
LONG_HAUL_VAN = "van-loos-2"
# The week's mix.
SUBSCRIBED = 0.30  # of the households, a weekly or fortnightly basket
FORTNIGHTLY = 0.25  # of the subscriptions
ORDERING = 0.50  # of the others, one order this week
BASKET_ORDER = 0.75  # of those orders, with a basket (else produce only)
EXTRA_PRODUCE = 0.30  # of the basket orders, some produce too
ONLINE = 0.40  # pay online (at pickup when online payment is not configured)
ELIGIBLE = 0.10  # solidarity price
FORMAT_MIX = (("small", 0.40), ("medium", 0.40), ("large", 0.20))
EMAIL_DOMAIN = "agglo.paniers.demo"


@dataclass(frozen=True)
class Household:
    number: int
    email: str
    name: str
    point: str  # code of its usual pickup point
    eligible: bool
    subscription: tuple[str, str] | None  # (format code, frequency)


@dataclass(frozen=True)
class Agglomeration:
    seed: int
    network: dict[str, bytes]  # the three files of the importer
    canteens: tuple[tuple[str, CanteenKind, int, str, int, int], ...]
    households: tuple[Household, ...] = field(repr=False)


@dataclass(frozen=True)
class Intent:
    """What one household does this week: nothing, or one order."""

    baskets: tuple[str, ...]  # format codes
    products: int  # how many different products (chosen among those in stock)
    online: bool
    draw: int  # the seed of the choices made against the week's stock


def _csv(columns: Sequence[str], records: Iterable[Sequence[object]], note: str) -> bytes:
    out = io.StringIO()
    out.write(f"# source: {note}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(records)
    return out.getvalue().encode()


def _jitter(rng: random.Random, lat: float, lon: float, spread: float = 0.006) -> tuple[str, str]:
    return (f"{lat + rng.uniform(-spread, spread):.4f}",
            f"{lon + rng.uniform(-spread, spread):.4f}")


def _slug(town: str) -> str:
    plain = town.lower().translate(str.maketrans("éèêàâîôûç", "eeeaaiouc"))
    return "".join(c if c.isalnum() else "-" for c in plain).strip("-")


def _points(rng: random.Random) -> tuple[list[list[object]], list[tuple[str, CanteenKind, int,
                                                                          str, int, int]]]:
    """80 points: a relay in each of the 36 towns, 30 more relays and shops by population,
    12 canteens in the largest towns, Lille and Dunkerque."""
    records: list[list[object]] = []
    canteens = []
    per_town = {t[0]: 1 for t in TOWNS}
    extra = POINTS - len(TOWNS) - CANTEENS - len(CITIES)
    weights = [t[3] for t in TOWNS]
    while extra:
        town = rng.choices(TOWNS, weights)[0][0]
        if per_town[town] < 6:
            per_town[town] += 1
            extra -= 1
    for town, lat, lon, _people in TOWNS:
        for n in range(per_town[town]):
            shop = n % 2 == 1  # every second point of a town is a partner shop
            names = SHOP_NAMES if shop else RELAY_NAMES
            code = f"{'shop' if shop else 'relay'}-{_slug(town)}-{n + 1}"
            morning = rng.random() < 0.5
            # A shop takes deliveries while it is open; a relay's host is there half a day.
            delivery = ("Fri 08:00-17:00" if shop
                        else "Fri 08:00-12:00" if morning else "Fri 11:00-16:00")
            pickup = "Fri 09:00-19:00" if shop else "Fri 16:30-19:00"
            records.append([code, "shop" if shop else "relay", rng.choice(names), town,
                            *_jitter(rng, lat, lon), rng.choice((30, 40, 50, 60, 80)),
                            delivery, pickup, "generated"])
    largest = sorted(TOWNS, key=lambda t: -t[3])[:CANTEENS]
    for i, (town, lat, lon, _people) in enumerate(largest):
        kind, label, meals, days, local, budget = CANTEEN_KINDS[i % 2]
        code = f"canteen-{_slug(town)}"
        records.append([code, "canteen", f"{label} de {town}", town, *_jitter(rng, lat, lon),
                        "", "Fri 06:30-10:00", "", "generated"])  # before the kitchen cooks
        canteens.append((code, kind, meals, days, local, budget))
    for town, lat, lon, capacity in CITIES:
        records.append([f"city-{_slug(town)}", "city", "Point relais partenaire", town,
                        f"{lat:.4f}", f"{lon:.4f}", capacity, "Fri 09:00-14:00",
                        "Fri 17:00-20:00", "outside the agglomeration"])
    return records, canteens


def _farms(rng: random.Random) -> list[list[object]]:
    demo = {r["id"]: r for r in rows("network") if r["kind"] == "farm"}
    records: list[list[object]] = [[demo[code][c] for c in COLUMNS[NETWORK]]
                                   for code in DEMO_FARMS]
    towns = {t[0]: t for t in TOWNS}
    for n in range(FARMS - len(DEMO_FARMS)):
        town, lat, lon, _people = towns[RURAL_TOWNS[n % len(RURAL_TOWNS)]]
        records.append([f"farm-{_slug(town)}-{n + 1}", "farm", f"Jardins de {town}", town,
                        *_jitter(rng, lat, lon, 0.015), "", "Thu 14:00-18:00", "",
                        "market garden; converting to organic"])
    return records


def generate(households: int = 5000, seed: int = 1) -> Agglomeration:
    """The agglomeration's network and households, drawn from ``seed`` (no database)."""
    rng = random.Random(seed)
    points, canteens = _points(rng)
    hubs = [[code, "hub", name, town, f"{lat:.4f}", f"{lon:.4f}", "", "Fri 05:00-18:00", "",
             "generated"] for code, name, town, lat, lon in HUBS]
    network = _csv(COLUMNS[NETWORK], [*hubs, *_farms(rng), *points],
                   "Paniers agglomeration generator: the towns of the Communauté "
                   "d'agglomération de Lens-Liévin (approximate centres), spots made up")
    fleet = _csv(COLUMNS[FLEET], [[code, kind, name, hub, hub, kg, crates, shift, km, cost, ""]
                                  for code, kind, name, hub, kg, crates, shift, km, cost
                                  in FLEET_ROWS], "Paniers agglomeration generator")
    produce = (DATA / PRODUCE).read_bytes()
    orderable = [(p[0], p[3]) for p in points if p[1] in ("relay", "shop", "city")]
    people = {t[0]: t[3] for t in TOWNS} | {c[0]: 4000 for c in CITIES}
    weights = [people[town] / sum(1 for _c, t in orderable if t == town)
               for _code, town in orderable]
    codes, shares = zip(*FORMAT_MIX, strict=True)
    made = []
    for number in range(1, households + 1):
        subscribed = rng.random() < SUBSCRIBED
        frequency = Frequency.FORTNIGHTLY if rng.random() < FORTNIGHTLY else Frequency.WEEKLY
        made.append(Household(
            number=number, email=f"foyer{number:05d}@{EMAIL_DOMAIN}",
            name=f"Foyer {number:05d}", point=rng.choices(orderable, weights)[0][0],
            eligible=rng.random() < ELIGIBLE,
            subscription=(rng.choices(codes, shares)[0], str(frequency)) if subscribed else None,
        ))
    return Agglomeration(seed, {NETWORK: network, FLEET: fleet, PRODUCE: produce},
                         tuple(canteens), tuple(made))


def intent(agglomeration: Agglomeration, household: Household) -> Intent | None:
    """This week's order of a household not ordering by subscription, or None."""
    if household.subscription is not None:
        return None
    rng = random.Random(f"{agglomeration.seed}:{household.number}")
    if rng.random() >= ORDERING:
        return None
    codes, shares = zip(*FORMAT_MIX, strict=True)
    if rng.random() < BASKET_ORDER:
        baskets = (rng.choices(codes, shares)[0],)
        products = rng.randint(1, 3) if rng.random() < EXTRA_PRODUCE else 0
    else:
        baskets, products = (), rng.randint(2, 4)
    return Intent(baskets, products, rng.random() < ONLINE, rng.getrandbits(32))


# --- Into the database ------------------------------------------------------------------


@transaction()
def load(agglomeration: Agglomeration) -> None:
    """The network, canteens, farmers, canteen managers and households (idempotent for the
    network; the households are added once). Every account's password is the demo's."""
    # Lille and Dunkerque are a run of their own, as in the demo: the second Loos van.
    import_with_shuttle(agglomeration.network, "agglomeration", LONG_HAUL_VAN)
    db.session.flush()
    template = User(email="-", name="-", role=Role.HOUSEHOLD)
    template.set_password(DEMO_PASSWORD)  # hashed once: hashing is slow by design
    password_hash, now = template.password_hash, utcnow()
    points = dict(db.session.execute(select(PickupPoint.code, PickupPoint.id)).all())
    known = set(db.session.scalars(select(User.email)))
    for code, kind, meals, days, local, budget in agglomeration.canteens:
        point = db.session.scalar(select(PickupPoint).where(PickupPoint.code == code))
        assert point is not None
        canteen = db.session.scalar(select(Canteen).where(Canteen.code == code))
        if canteen is None:
            canteen = Canteen(code=code)
            db.session.add(canteen)
        canteen.name, canteen.kind, canteen.point_id = point.name, kind, point.id
        canteen.meals_per_day, canteen.service_days = meals, days
        canteen.local_target_pct, canteen.budget_cents_per_meal = local, budget
    db.session.flush()
    accounts = []
    for canteen in db.session.scalars(select(Canteen).where(
            Canteen.code.in_([c[0] for c in agglomeration.canteens]))):
        accounts.append({"email": f"{canteen.code}@{EMAIL_DOMAIN}", "role": Role.CANTEEN_MANAGER,
                         "name": f"Gestion — {canteen.name}", "canteen_id": canteen.id})
    for farm in db.session.scalars(select(Farm).where(~Farm.id.in_(
            select(User.farm_id).where(User.farm_id.is_not(None))))):
        accounts.append({"email": f"{farm.code}@{EMAIL_DOMAIN}", "role": Role.FARMER,
                         "name": farm.name, "farm_id": farm.id})
    for household in agglomeration.households:
        accounts.append({"email": household.email, "role": Role.HOUSEHOLD,
                         "name": household.name, "point_id": points[household.point],
                         "solidarity_eligible": household.eligible})
    fresh = [{"password_hash": password_hash, "email_confirmed_dt": now, "farm_id": None,
              "canteen_id": None, "point_id": None, "solidarity_eligible": False, **a}
             for a in accounts if a["email"] not in known]
    if fresh:
        db.session.execute(insert(User), fresh)
    users = dict(db.session.execute(select(User.email, User.id).where(
        User.email.like(f"%@{EMAIL_DOMAIN}"))).all())
    subscribed = set(db.session.scalars(select(Subscription.user_id)))
    anchor = subscriptions.week_of(now.date())
    for household in agglomeration.households:
        user_id = users[household.email]
        if household.subscription is None or user_id in subscribed:
            continue
        format_code, frequency = household.subscription
        # Written as ``subscriptions.subscribe`` does, without its checks one by one: the
        # plan is valid by construction.
        db.session.add(Subscription(user_id=user_id, point_id=points[household.point],
                                    format_code=format_code, frequency=frequency,
                                    anchor_week=anchor, status=SubscriptionStatus.ACTIVE))


def declare_supply(cycle: OrderCycle, households: int, seed: int) -> None:
    """Every farm's supply for the week, enough for ``households`` (each farmer through the
    supply service): the regional suppliers their own products, the market gardens the
    rest, three to five gardens a product."""
    rng = random.Random(f"{seed}:supply")
    supplier_of = {product: farm for farm, products in _suppliers().items()
                   for product in products}
    farmers = {u.farm_id: u for u in db.session.scalars(
        select(User).where(User.role == Role.FARMER, User.farm_id.is_not(None))
        .order_by(User.id))}
    farms = {f.code: f.id for f in db.session.scalars(select(Farm).order_by(Farm.id))
             if f.id in farmers}
    gardens = sorted(farm_id for code, farm_id in farms.items()
                     if code not in supplier_of.values())
    month = cycle.delivery_date.month
    scale = max(1, households) / 100
    lines: dict[int, list[producers.SupplyLine]] = {}
    for product in db.session.scalars(select(Product).order_by(Product.id)):
        if not product.in_season(month):
            continue
        sellers = ([farms[supplier_of[product.name]]] if supplier_of.get(product.name) in farms
                   else rng.sample(gardens, min(rng.randint(3, 5), len(gardens))))
        for farm_id in sellers:
            units = rng.randint(20, 60) if product.unit == Unit.KG else rng.randint(15, 40)
            amount = min(round(units * scale / len(sellers) * 1.5) * base_per_unit(product.unit),
                         MAX_QUANTITY.get(Unit(product.unit), MAX_COUNT))  # the form's bound
            price = round(product.reference_price_cents * rng.uniform(0.9, 1.1))
            lines.setdefault(farm_id, []).append(producers.SupplyLine(product.id, max(
                amount, base_per_unit(product.unit)), price))
    for farm_id, farm_lines in sorted(lines.items()):
        producers.declare_supply(farmers[farm_id], cycle.id, farm_lines)


def _suppliers() -> dict[str, list[str]]:
    return {row["farm"]: row["products"].split(";") for row in rows("suppliers")}


def open_week(agglomeration: Agglomeration, delivery: date) -> OrderCycle:
    """Next week's cycle with basket quotas for every household, every farm's supply and a
    solidarity fund, opened (the workers then turn the subscriptions into orders)."""
    count = len(agglomeration.households)
    specs = [cycles.FormatSpec(code, price, weight, max(10, round(count * share * 0.7)))
             for (code, price, weight, _m), (_c, share) in zip(cycles.DEFAULT_FORMATS,
                                                              FORMAT_MIX, strict=True)]
    cycle = cycles.create_cycle(delivery, default_cutoff(delivery), specs)
    declare_supply(cycle, count, agglomeration.seed)
    eligible = sum(h.eligible for h in agglomeration.households)
    solidarity.set_fund(cycle.id, eligible * 900, 50)  # half price for the eligible
    return cycles.open_cycle(cycle.id)


def place_week_orders(agglomeration: Agglomeration, cycle_id: int, part: int = 0,
                      parts: int = 1) -> dict[str, int]:
    """The households' one-off orders of the week (those numbered ``part`` modulo
    ``parts``), each through the ordering service as the catalogue page places it."""
    stocks = sorted(db.session.execute(
        select(ProductStock.product_id, Product.unit).join(Product)
        .where(ProductStock.cycle_id == cycle_id, ProductStock.declared > 0)).all())
    formats = {f.code: f.id for f in db.session.get(OrderCycle, cycle_id).formats}
    points = dict(db.session.execute(select(PickupPoint.code, PickupPoint.id)).all())
    outcome = {"placed": 0, "refused": 0, "online": 0, "at_pickup": 0}
    for household in agglomeration.households[part::parts]:
        wanted = intent(agglomeration, household)
        if wanted is None:
            continue
        rng = random.Random(wanted.draw)
        products = {pid: rng.randint(1, 3) * base_per_unit(unit)
                    for pid, unit in rng.sample(stocks, min(wanted.products, len(stocks)))}
        cart = orders.Cart({formats[code]: 1 for code in wanted.baskets}, products)
        method = payments.payment_choice("online" if wanted.online else "at_pickup")
        user = db.session.scalar(select(User).where(User.email == household.email))
        try:
            orders.place_order(user, cycle_id, points[household.point], cart,
                               payment_method=method, confirm=True)
            outcome["placed"] += 1
            outcome[str(method)] += 1
        except ServiceError:
            outcome["refused"] += 1
            db.session.rollback()
    return outcome


def place_canteen_orders(agglomeration: Agglomeration, cycle_id: int) -> int:
    """Each canteen's order of vegetables: a share of what remains, by kilograms."""
    placed = 0
    stocks = list(db.session.scalars(select(ProductStock).join(Product).where(
        ProductStock.cycle_id == cycle_id, Product.unit == Unit.KG).order_by(ProductStock.id)))
    for code, *_rest in agglomeration.canteens:
        manager = db.session.scalar(select(User).where(User.email == f"{code}@{EMAIL_DOMAIN}"))
        canteen = db.session.scalar(select(Canteen).where(Canteen.code == code))
        if manager is None or canteen is None:
            continue
        # A fortieth of what is left, at least a kilogram where a kilogram is left.
        wanted = {s.product_id: max(1, s.remaining // 40 // 1000) * 1000
                  for s in stocks[:5] if s.remaining >= 1000}
        wanted = {k: v for k, v in wanted.items() if v}
        if not wanted:
            continue
        try:
            orders.place_order(manager, cycle_id, canteen.point_id, orders.Cart({}, wanted),
                               source=OrderSource.CANTEEN)
            placed += 1
        except ServiceError:
            db.session.rollback()
    return placed
