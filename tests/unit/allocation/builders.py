"""Small weeks a person can check by hand, and Hypothesis strategies for random ones."""

from __future__ import annotations

from hypothesis import strategies as st

from paniers.allocation.optimiser.week import BasketFormat, DemandLine, Offer, Product

SMALL = BasketFormat(1, "small", 1200, 3000, 4)
MEDIUM = BasketFormat(2, "medium", 1800, 4500, 5)


def vegetables(count: int, in_season: bool = True) -> list[Product]:
    """``count`` vegetables sold by the kilogram, ids 1..count."""
    return [Product(i, f"vegetable {i}", "kg", 1000, "vegetable", in_season)
            for i in range(1, count + 1)]


def line(line_id: int, quantity: int, *, product: int | None = None, fmt: int | None = None,
         kind: str = "one_off", rank: int | None = None, price: int = 400) -> DemandLine:
    """A demand line of its own order; placed in id order unless ``rank`` says otherwise."""
    return DemandLine(line_id, line_id, kind, line_id if rank is None else rank, quantity, price,
                      product_id=product, format_id=fmt)


UNITS = {"kg": 1000, "piece": 800, "bunch": 250, "dozen": 700, "litre": 1000}


@st.composite
def weeks(draw: st.DrawFn) -> tuple[list[Product], list[Offer], list[BasketFormat],
                                    list[DemandLine]]:
    """A random week: a few products, farms, offers, one or two formats and some orders."""
    products = []
    for pid in range(1, draw(st.sampled_from([1, 2, 5, 6, 7, 8, 9, 10])) + 1):
        unit = draw(st.sampled_from(["kg", "kg", "kg", "piece", "bunch", "dozen", "litre"]))
        category = draw(st.sampled_from(["vegetable"] * 3 + ["fruit", "dairy"]))
        products.append(Product(pid, f"p{pid}", unit, UNITS[unit], category,
                                draw(st.integers(0, 5)) > 0))
    offers = []
    for product in products:
        for farm in draw(st.sets(st.integers(1, 4), min_size=1, max_size=3)):
            per = 50 if product.unit in ("kg", "litre") else 1
            quantity = per * draw(st.integers(10, 300))
            offers.append(Offer(len(offers) + 1, farm, product.id, quantity,
                                draw(st.integers(100, 700)), draw(st.integers(0, 20_000))))
    formats = [SMALL, MEDIUM][: draw(st.integers(1, 2))]
    demand = []
    for line_id in range(1, draw(st.integers(0, 25)) + 1):
        kind = draw(st.sampled_from(["canteen", "subscription", "one_off"]))
        rank = draw(st.integers(0, 30))
        if draw(st.booleans()):
            fmt = draw(st.sampled_from(formats))
            price = draw(st.sampled_from([fmt.price_cents, fmt.price_cents // 2]))
            demand.append(DemandLine(line_id, line_id, kind, rank, draw(st.integers(0, 4)), price,
                                     format_id=fmt.id))
        else:
            product = draw(st.sampled_from(products))
            per = draw(st.sampled_from([1, 250])) if product.unit in ("kg", "litre") else 1
            demand.append(DemandLine(line_id, line_id, kind, rank, per * draw(st.integers(0, 12)),
                                     draw(st.integers(50, 999)), product_id=product.id))
    return products, offers, formats, demand
