"""Invoice numbers under concurrency, on PostgreSQL: households asking for their invoices
at the same moment get distinct numbers that follow each other without a gap."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from paniers import create_app
from paniers.accounts.models import User
from paniers.allocation import services as allocating
from paniers.cycles import services as cycles
from paniers.extensions import db
from paniers.invoices import numbering
from paniers.invoices import services as invoicing
from paniers.invoices.models import Invoice
from paniers.orders import services as orders
from paniers.transaction import transaction
from tests.integration.week import open_week, product
from tests.support.households import add_households
from tests.support.services import postgres_schema

HOUSEHOLDS = 8


@pytest.fixture()
def pg_app() -> Iterator[Any]:
    for url in postgres_schema():
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True,
                          "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": HOUSEHOLDS + 2,
                                                        "max_overflow": 0}})
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


def published_orders() -> list[tuple[int, int]]:
    """(household id, order id) for HOUSEHOLDS households, their week published."""
    cycle = open_week(supply={"Œufs": 30})
    placed = []
    for user_id in add_households(HOUSEHOLDS, "facture"):
        household = db.session.get(User, user_id)
        order = orders.place_order(household, cycle.id, household.point_id,
                                   orders.Cart({}, {product("Œufs").id: 1}))
        placed.append((user_id, order.id))
    cycles.close_cycle(cycle.id)
    allocating.allocate_cycle(cycle.id)
    allocating.publish_allocation(cycle.id)
    return placed


def in_threads(app: Any, work: list[Any]) -> list[Any]:
    """Run each callable in its own thread and application context (its own connection),
    all released at once; what each returned, or raised."""
    start = threading.Barrier(len(work))
    results: list[Any] = [None] * len(work)

    def run(index: int, job: Any) -> None:
        with app.app_context():
            try:
                start.wait()
                results[index] = job()
            except Exception as error:  # noqa: BLE001 (reported by the test)
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(work)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def issue(user_id: int, order_id: int) -> Any:
    return lambda: invoicing.household_invoice(db.session.get(User, user_id), order_id).number


def test_households_asking_at_once_get_distinct_numbers_without_gaps(pg_app):
    placed = published_orders()
    numbers = in_threads(pg_app, [issue(user_id, order_id) for user_id, order_id in placed])
    assert not [n for n in numbers if isinstance(n, Exception)], numbers
    year = db.session.scalar(select(Invoice.year))
    assert sorted(numbers) == [numbering.format_number(year, n)
                               for n in range(1, HOUSEHOLDS + 1)]


def test_an_issue_waits_while_another_holds_the_years_counter(pg_app):
    _first, second, *_rest = published_orders()
    year = invoicing._today().year
    finished: dict[str, float] = {}

    def slow_issue() -> str:
        with transaction():  # takes a number, then takes its time before committing
            _sequence, number = numbering.next_number(year)
            time.sleep(1.0)
        finished["slow"] = time.monotonic()
        return number

    def quick_issue() -> str:
        time.sleep(0.3)  # arrives while the slow one holds the lock
        number = issue(*second)()
        finished["quick"] = time.monotonic()
        return str(number)

    slow, quick = in_threads(pg_app, [slow_issue, quick_issue])
    assert (slow, quick) == (numbering.format_number(year, 1), numbering.format_number(year, 2))
    assert finished["quick"] >= finished["slow"]


def test_a_double_click_gives_one_invoice_not_two(pg_app):
    first, *_rest = published_orders()
    numbers = in_threads(pg_app, [issue(*first), issue(*first), issue(*first)])
    assert not [n for n in numbers if isinstance(n, Exception)], numbers
    assert len(set(numbers)) == 1
    assert db.session.scalar(select(func.count(Invoice.id))) == 1
