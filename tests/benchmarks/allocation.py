"""Benchmark: compose and allocate a generated week of the Lensois.

Run from the repository root: ``.venv/bin/python tests/benchmarks/allocation.py
[--orders 10000] [--farms 6] [--month M] [--seed S] [--all-in-season]``.

The week is random but seeded. Products and prices come from
``paniers/demo/data/produce.csv`` (those in season in ``--month``, the current
month by default); the first six farms are the demo farms of ``network.csv`` at
their distance to the hub, further farms are made up 2-25 km away. Each farm offers
about 60 % of the seasonal products at the catalogue price ±10 %. Orders: 55 % are
baskets (small 40 %, medium 40 %, large 20 %; 60 % of them subscriptions, 1 in 10
solidarity baskets at half price), the rest 1-4 products chosen by their nursery
portion (a proxy for how much is eaten); five canteens order 120 meals' worth of six
products. Supply is each product's expected demand times 0.8-1.3, so some products
run short. The last line is ``orders=N farms=F seconds=S max_share_gap_pct=G``.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import math
import random
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from paniers.allocation.optimiser.composition import compose_baskets  # noqa: E402
from paniers.allocation.optimiser.plan import plan_week  # noqa: E402
from paniers.allocation.optimiser.week import (  # noqa: E402
    BasketFormat,
    DemandLine,
    Offer,
    Product,
    WeekPlan,
)
from producers.units import base_per_unit  # noqa: E402

DEMO = REPO_ROOT / "paniers" / "demo" / "data"
FORMATS = (
    BasketFormat(1, "small", 1200, 3000, 4),
    BasketFormat(2, "medium", 1800, 4500, 5),
    BasketFormat(3, "large", 2400, 6000, 6),
)
FORMAT_MIX = (0.4, 0.4, 0.2)


def read_rows(path: Path) -> list[dict[str, str]]:
    """CSV rows, skipping the ``# source:`` line."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def in_season(months: str, month: int) -> bool:
    """``7-12;1-3`` covers July to March."""
    for span in months.split(";"):
        first, _, last = span.partition("-")
        if int(first) <= month <= int(last or first):
            return True
    return False


def catalogue(month: int, everything: bool = False
              ) -> tuple[list[Product], dict[int, int], dict[int, int]]:
    """Products, catalogue prices (cents per sale unit) and nursery portions (g) by id;
    ``everything`` puts all 30 products in season (a stress case)."""
    products, prices, portions = [], {}, {}
    for pid, row in enumerate(read_rows(DEMO / "produce.csv"), start=1):
        products.append(Product(pid, row["product"], row["unit"],
                                round(float(row["unit_kg"]) * 1000), row["category"],
                                everything or in_season(row["months"], month)))
        prices[pid] = round(float(row["price_eur_per_unit"]) * 100)
        portions[pid] = int(row["nursery_portion_g"])
    return products, prices, portions


def farm_distances(farms: int, rng: random.Random) -> list[int]:
    """Metres to the hub: the demo farms as the crow flies, then made-up ones."""
    rows = read_rows(DEMO / "network.csv")
    hub = next(r for r in rows if r["kind"] == "hub")
    known = [_metres(hub, r) for r in rows if r["kind"] == "farm"]
    return [known[i] if i < len(known) else rng.randint(2000, 25000) for i in range(farms)]


def _metres(a: dict[str, str], b: dict[str, str]) -> int:
    lat1, lon1, lat2, lon2 = map(math.radians, (float(a["lat"]), float(a["lon"]),
                                                float(b["lat"]), float(b["lon"])))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        (lon2 - lon1) / 2) ** 2
    return round(2 * 6_371_000 * math.asin(math.sqrt(h)))


def orders(count: int, products: list[Product], prices: dict[int, int],
           portions: dict[int, int], rng: random.Random) -> list[DemandLine]:
    """Household orders and canteen lines; ranks follow the order of placing."""
    seasonal = [p for p in products if p.in_season]
    weights = [portions[p.id] for p in seasonal]
    lines: list[DemandLine] = []
    for order_id in range(1, count + 1):
        kind = "subscription" if rng.random() < 0.6 else "one_off"
        if rng.random() < 0.55:
            fmt = rng.choices(FORMATS, FORMAT_MIX)[0]
            price = fmt.price_cents // 2 if rng.random() < 0.1 else fmt.price_cents
            lines.append(DemandLine(len(lines) + 1, order_id, kind, order_id, 1, price,
                                    format_id=fmt.id))
            continue
        chosen = {p.id: p for p in rng.choices(seasonal, weights, k=rng.randint(1, 4))}
        for product in chosen.values():
            lines.append(DemandLine(len(lines) + 1, order_id, "one_off", order_id,
                                    _amount(product, rng), prices[product.id],
                                    product_id=product.id))
    for canteen in range(count + 1, count + 6):
        for product in rng.sample(seasonal, min(6, len(seasonal))):
            quantity = 120 * portions[product.id] if base_per_unit(product.unit) > 1 else 20
            lines.append(DemandLine(len(lines) + 1, canteen, "canteen", 0, quantity,
                                    prices[product.id], product_id=product.id))
    return lines


def _amount(product: Product, rng: random.Random) -> int:
    if base_per_unit(product.unit) > 1:
        return rng.choice((250, 500, 1000, 1500, 2000))
    return rng.randint(1, 3)


def supply(products: list[Product], prices: dict[int, int], portions: dict[int, int],
           lines: list[DemandLine], distances: list[int], rng: random.Random) -> list[Offer]:
    """Offers covering each product's expected demand times 0.8-1.3, split between farms."""
    seasonal = [p for p in products if p.in_season]
    expected = {p.id: 0 for p in seasonal}
    for line in lines:
        if line.product_id is not None:
            expected[line.product_id] += line.quantity
    basket_grams = sum(FORMATS[line.format_id - 1].target_weight_g
                       for line in lines if line.format_id is not None)
    in_baskets = [p for p in seasonal if p.category in ("vegetable", "fruit")]
    total_portion = sum(portions[p.id] for p in in_baskets)
    for p in in_baskets:
        grams = basket_grams * portions[p.id] / total_portion
        expected[p.id] += round(grams * base_per_unit(p.unit) / p.unit_weight_g)
    offers: list[Offer] = []
    for p in seasonal:
        farms = [f for f in range(len(distances)) if rng.random() < 0.6] or [rng.randrange(
            len(distances))]
        shares = [rng.uniform(0.5, 1.5) for _ in farms]
        total = expected[p.id] * rng.uniform(0.8, 1.3)
        for farm, share in zip(farms, shares, strict=True):
            offers.append(Offer(len(offers) + 1, farm + 1, p.id,
                                round(total * share / sum(shares)),
                                round(prices[p.id] * rng.uniform(0.9, 1.1)), distances[farm]))
    return offers


def summary(plan: WeekPlan) -> str:
    short = plan.shortages
    refunds = sum(line.refund_cents for line in plan.lines)
    charged = sum(line.charged_cents for line in plan.lines)
    leftover = sum(o.leftover for o in plan.offers)
    offered = sum(o.offered for o in plan.offers)
    return (f"baskets served {plan.baskets_served}; short lines {len(short)} of "
            f"{len(plan.lines)}; refunds {refunds / 100:.2f} of {charged / 100:.2f} EUR; "
            f"unsold {100 * leftover / max(offered, 1):.1f} % of base amounts offered")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--farms", type=int, default=6)
    parser.add_argument("--month", type=int, default=datetime.date.today().month)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--all-in-season", action="store_true",
                        help="offer all 30 products of the catalogue, in season or not")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    products, prices, portions = catalogue(args.month, args.all_in_season)
    lines = orders(args.orders, products, prices, portions, rng)
    offers = supply(products, prices, portions, lines, farm_distances(args.farms, rng), rng)
    print(f"month {args.month}: {sum(p.in_season for p in products)} seasonal products, "
          f"{len(offers)} offers, {len(lines)} demand lines")

    started = time.perf_counter()
    compose_baskets(products, offers, FORMATS, lines)
    composing = time.perf_counter() - started
    started = time.perf_counter()
    plan = plan_week(products, offers, FORMATS, lines)
    total = time.perf_counter() - started

    for composition in plan.compositions:
        print(f"format {composition.format_id}: {composition.value_cents / 100:.2f} EUR, "
              f"{composition.weight_g} g, {len(composition.items)} products")
    for diagnosis in plan.diagnoses:
        print(f"  {diagnosis.code}: {diagnosis.message}")
    print(summary(plan))
    print(f"composition {composing:.3f} s (alone), allocation {max(total - composing, 0):.3f} s, "
          f"plan_week total {total:.3f} s")
    print(f"orders={args.orders} farms={args.farms} seconds={total:.3f} "
          f"max_share_gap_pct={plan.max_share_gap_pct}")


if __name__ == "__main__":
    main()
