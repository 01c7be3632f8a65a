"""No oversell, no half-written order, no deadlock: buyers in parallel processes on PostgreSQL.

Each process builds its own application on the same schema, as gunicorn workers do,
and runs a few buyers in threads, each with its own database connection. They all
start together and race for the last units.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, update

from paniers import create_app
from paniers.cycles.models import BasketFormat, ProductStock
from paniers.errors import ServiceError
from paniers.extensions import db
from paniers.orders import services as orders
from paniers.orders.catalogue import orderable_points
from paniers.orders.models import Order, OrderLine
from paniers.payments import services as payments
from tests.integration.week import MORE_VEGETABLES, WEEK_SUPPLY, open_week, product, user
from tests.support.households import add_households
from tests.support.services import postgres_schema

PROCESSES = 8
THREADS = 5  # 40 connections at once, well under PostgreSQL's 100

# A cart: (format code or product name, quantity) in the order the buyer filled the form.
Cart = list[tuple[str, int]]


@pytest.fixture()
def pg_app(tmp_path) -> Iterator[Any]:
    for url in postgres_schema():
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


def buy(url: str, jobs: list[tuple[int, int, Cart]], cycle_id: int, point_id: int,
        ready: Any, go: Any, outcomes: Any) -> None:
    """One process: its own application, ``THREADS`` buyers each on its own connection."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True,
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": THREADS, "max_overflow": 0}})

    def buyer(share: list[tuple[int, int, Cart]]) -> None:
        for job, user_id, cart in share:
            with app.app_context():
                formats = {f.code: f.id for f in db.session.scalars(
                    select(BasketFormat).where(BasketFormat.cycle_id == cycle_id))}
                db.session.commit()
                go.wait()
                outcomes.put((job, *place(user_id, cycle_id, point_id, cart, formats)))
                db.session.remove()

    threads = [threading.Thread(target=buyer, args=(jobs[i::THREADS],)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    ready.put(True)
    for thread in threads:
        thread.join()


def place(user_id: int, cycle_id: int, point_id: int, cart: Cart,
          formats: dict[str, int]) -> tuple[str, str]:
    from paniers.accounts.models import User
    from paniers.errors import OutOfStock

    baskets: dict[int, int] = {}
    products: dict[int, int] = {}
    for name, quantity in cart:  # the buyer's order of lines, kept in the dicts
        if name in formats:
            baskets[formats[name]] = quantity
        else:
            products[product(name).id] = quantity
    try:
        order = orders.place_order(db.session.get(User, user_id), cycle_id, point_id,
                                   orders.Cart(baskets=baskets, products=products))
    except OutOfStock as refusal:
        return "out of stock", str(refusal)
    except Exception as error:  # a deadlock or anything else: the test reports it
        return "error", f"{type(error).__name__}: {error}"
    return "ordered", str(order.id)


def race(url: str, cycle_id: int, carts: list[tuple[int, Cart]]) -> list[tuple[int, str, str]]:
    """Every (user id, cart) placed at once from ``PROCESSES`` processes; outcome per cart."""
    # Fork is quick (the children inherit the imports); each child still builds its own
    # application and engine. Close our connections first so that no socket is shared.
    db.session.remove()
    db.engine.dispose()
    context = multiprocessing.get_context("fork")
    ready, go, outcomes = context.Queue(), context.Event(), context.Queue()
    jobs = [(n, user_id, cart) for n, (user_id, cart) in enumerate(carts)]
    point_id = orderable_points()[0].id
    processes = [context.Process(target=buy, args=(url, jobs[i::PROCESSES], cycle_id, point_id,
                                                   ready, go, outcomes))
                 for i in range(PROCESSES)]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get(timeout=120)
    go.set()
    results = sorted(outcomes.get(timeout=120) for _ in jobs)
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    return results


def sold(cycle_id: int) -> dict[str, tuple[int, int]]:
    """(sold, limit) of every basket format and product of the cycle, by name."""
    db.session.expire_all()
    figures = {f.code: (f.sold, f.quota) for f in db.session.scalars(
        select(BasketFormat).where(BasketFormat.cycle_id == cycle_id))}
    for stock in db.session.scalars(select(ProductStock).where(ProductStock.cycle_id == cycle_id,
                                                               ProductStock.declared > 0)):
        figures[stock.product.name] = (stock.sold, stock.declared)
    return figures


def ordered_lines(cycle_id: int) -> dict[str, int]:
    """Quantities in the cycle's order lines, by format code or product name."""
    totals: Counter[str] = Counter()
    for line in db.session.scalars(
        select(OrderLine).join(Order).where(Order.cycle_id == cycle_id)
    ):
        name = line.basket_format.code if line.basket_format_id else line.product.name
        totals[name] += line.quantity
    return dict(totals)


def orders_without_lines(cycle_id: int) -> int:
    return db.session.scalar(
        select(func.count(Order.id)).where(Order.cycle_id == cycle_id, ~Order.lines.any())
    )


def test_200_buyers_racing_for_the_last_50_baskets_buy_exactly_50(pg_app):
    cycle = open_week(quotas=(60, 0, 0), supply=WEEK_SUPPLY | {"Pomme de terre": 100_000})
    early = orders.Cart(baskets={cycle.formats[0].id: 10}, products={})
    orders.place_order(user("foyer@paniers.demo"), cycle.id, orderable_points()[0].id, early)
    buyers = add_households(200)

    results = race(db.engine.url.render_as_string(hide_password=False), cycle.id,
                   [(user_id, [("small", 1)]) for user_id in buyers])

    answers = Counter(kind for _job, kind, _detail in results)
    assert answers == {"ordered": 50, "out of stock": 150}, results
    assert {detail for _job, kind, detail in results if kind == "out of stock"} == {
        "Plus aucun panier de ce format n'est disponible."}
    assert sold(cycle.id)["small"] == (60, 60)
    assert ordered_lines(cycle.id) == {"small": 60}
    assert orders_without_lines(cycle.id) == 0


def test_baskets_and_produce_ordered_in_any_order_never_oversell_nor_deadlock(pg_app):
    cycle = open_week(quotas=(20, 0, 15),
                      supply={"Pomme de terre": 40_000, "Œufs": 30, **MORE_VEGETABLES})
    carts: list[Cart] = [
        [("small", 1), ("Œufs", 1), ("Pomme de terre", 1000)],
        [("Pomme de terre", 2000), ("Œufs", 1), ("large", 1), ("small", 1)],
        [("Œufs", 2), ("large", 1)],
        [("large", 1), ("Pomme de terre", 1500), ("small", 2)],
    ]
    buyers = add_households(160)

    results = race(db.engine.url.render_as_string(hide_password=False), cycle.id,
                   [(user_id, carts[n % len(carts)]) for n, user_id in enumerate(buyers)])

    answers = Counter(kind for _job, kind, _detail in results)
    assert set(answers) == {"ordered", "out of stock"}, results  # no deadlock, no other error
    figures = sold(cycle.id)
    assert all(sold_ <= limit for sold_, limit in figures.values()), figures
    assert ordered_lines(cycle.id) == {name: s for name, (s, _l) in figures.items() if s}
    assert orders_without_lines(cycle.id) == 0
    db.session.expire_all()
    for job, kind, detail in results:
        if kind == "ordered":  # each order holds its whole cart, nothing more, nothing less
            order = db.session.get(Order, int(detail))
            wanted = sorted((name, q) for name, q in carts[job % len(carts)])
            assert sorted((ln.basket_format.code if ln.basket_format_id else ln.product.name,
                           ln.quantity) for ln in order.lines) == wanted


def test_an_order_placed_while_its_price_changes_is_refused_and_writes_nothing(pg_app,
                                                                              monkeypatch):
    """The stock is taken last, at the price read first: a farmer's new price committed
    in between (here, on a connection of its own, while the order writes its payment)
    refuses the order with why, instead of selling at a price the household never saw."""
    cycle = open_week(supply={"Pomme de terre": 50_000})
    potatoes = product("Pomme de terre")
    farmer = create_engine(db.engine.url)
    writing_payment = payments.new_payment

    def new_price_meanwhile(*args: Any, **kwargs: Any) -> Any:
        with farmer.begin() as connection:
            connection.execute(update(ProductStock).where(
                ProductStock.cycle_id == cycle.id, ProductStock.product_id == potatoes.id
            ).values(price_cents=ProductStock.price_cents + 20))
        return writing_payment(*args, **kwargs)

    monkeypatch.setattr(payments, "new_payment", new_price_meanwhile)
    try:
        with pytest.raises(ServiceError, match="Pomme de terre : le prix vient de changer"):
            orders.place_order(user("foyer@paniers.demo"), cycle.id, orderable_points()[0].id,
                               orders.Cart(baskets={cycle.formats[0].id: 1},
                                           products={potatoes.id: 1000}))
    finally:
        farmer.dispose()

    assert db.session.scalar(select(func.count(Order.id)).where(Order.cycle_id == cycle.id)) == 0
    assert sold(cycle.id)["small"][0] == 0
    assert sold(cycle.id)["Pomme de terre"][0] == 0


def test_an_order_of_several_products_takes_them_all_or_none_and_says_which_failed(
        pg_app, monkeypatch):
    """The products of an order are taken together (one statement on PostgreSQL): the one
    sold out, or whose price changed since it was read, is named, and the others are not
    taken either; the same order that fits takes every line, nothing more."""
    cycle = open_week(supply={"Pomme de terre": 50_000, "Carotte": 50_000, "Oignon": 1_500})
    point_id = orderable_points()[0].id
    ids = {name: product(name).id for name in ("Pomme de terre", "Carotte", "Oignon")}
    household = user("foyer@paniers.demo")

    def taken() -> dict[str, int]:
        return {name: sold(cycle.id)[name][0] for name in ids}

    def order(onions: int) -> orders.Order:
        return orders.place_order(household, cycle.id, point_id, orders.Cart(baskets={}, products={
            ids["Pomme de terre"]: 1000, ids["Carotte"]: 2000, ids["Oignon"]: onions}))

    with pytest.raises(ServiceError, match="Oignon : plus assez de stock, il reste 1,5"):
        order(2000)
    assert taken() == {"Pomme de terre": 0, "Carotte": 0, "Oignon": 0}

    db.session.execute(update(ProductStock).where(
        ProductStock.cycle_id == cycle.id, ProductStock.product_id == ids["Carotte"]
    ).values(price_cents=ProductStock.price_cents + 20))
    db.session.commit()
    placed = order(1000)  # at the new price, read when it starts
    assert sorted((line.product_id, line.quantity) for line in placed.lines) == sorted(
        [(ids["Pomme de terre"], 1000), (ids["Carotte"], 2000), (ids["Oignon"], 1000)])
    assert taken() == {"Pomme de terre": 1000, "Carotte": 2000, "Oignon": 1000}
    with pytest.raises(ServiceError, match="Oignon : plus assez de stock"):
        order(1000)

    farmer = create_engine(db.engine.url)
    writing_payment = payments.new_payment

    def new_price_meanwhile(*args: Any, **kwargs: Any) -> Any:
        with farmer.begin() as connection:
            connection.execute(update(ProductStock).where(
                ProductStock.cycle_id == cycle.id, ProductStock.product_id == ids["Carotte"]
            ).values(price_cents=ProductStock.price_cents + 20))
        return writing_payment(*args, **kwargs)

    monkeypatch.setattr(payments, "new_payment", new_price_meanwhile)
    try:
        with pytest.raises(ServiceError, match="Carotte : le prix vient de changer"):
            order(500)
    finally:
        farmer.dispose()
    assert taken() == {"Pomme de terre": 1000, "Carotte": 2000, "Oignon": 1000}
