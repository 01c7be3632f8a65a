"""Benchmark: the agglomeration's week at full scale, through the production path.

Run from the repository root (PostgreSQL on 127.0.0.1:5432 and Redis on 6379 running):
``.venv/bin/python tests/benchmarks/week_at_scale.py [--households 5000] [--seed 1]
[--workers 2] [--placers 4] [--database-url URL]``.

It creates a database of its own (``paniers_scale``, dropped at the end), migrates it,
loads the generated agglomeration (:mod:`paniers.demo.agglomeration`: 2 hubs, 80 points,
30 farms, 12 canteens, 8 vehicles, ``--households``), and starts ``--workers`` Celery
worker processes (``celery -A paniers.celery_worker worker``, one task at a time each)
on a Redis queue of its own. Then the week, each stage timed:

- opening: the cycle opens; the workers turn the subscriptions into orders and tell
  every household (measured until every subscription has its run);
- ordering: the households' one-off orders through the ordering service, from
  ``--placers`` processes at once (as many web processes would), with the confirmation
  handed to the workers; then the canteens' orders;
- cutoff: the coordinator's close (``close_and_hand_over``), the workers close and
  start the allocation job;
- allocation, then rounds: the jobs as the coordinator's pages start them, on the workers;
- publication: refunds requested and messages queued (``publish_allocation``);
- packing lists: every point's list, as each host's page reads it;
- and the workers' queue drained (confirmations, shortage messages, refunds).

It prints each stage's time, the peak resident memory of the placing processes and of
the worker processes (parent and pool), the reference workload before and after (as
``orders_load.py``: compare runs through it), and last
``households=H points=P orders=O close_to_published_s=S routes=R unserved=U peak_rss_mb=M``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import redis

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from flask import current_app  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from paniers import create_app  # noqa: E402
from paniers.extensions import db  # noqa: E402
from paniers.migrate import upgrade  # noqa: E402
from tests.benchmarks.orders_load import reference_ms  # noqa: E402
from tests.support.services import REDIS_URL, redis_celery, unique_queue  # noqa: E402
from tests.support.workers import (  # noqa: E402
    WorkerProcess,
    forget_queue,
    priority_lists,
    wait_until,
)

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DATABASE = "paniers_scale"
PLAN_ROUTES = "paniers.delivery.tasks.plan_routes"


def application(url: str, queue: str) -> Any:
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "CELERY": redis_celery(queue)})


# --- The database -----------------------------------------------------------------------


def create_database(admin_url: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()
    return make_url(admin_url).set(database=DATABASE).render_as_string(hide_password=False)


def drop_database(admin_url: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
    admin.dispose()


# --- Memory -----------------------------------------------------------------------------


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _group(pid: int) -> list[int]:
    """A process and its descendants."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            todo += [int(c) for c in Path(
                f"/proc/{current}/task/{current}/children").read_text().split()]
        except OSError:
            pass
    return found


class PeakMemory(threading.Thread):
    """The highest resident memory (kB) seen of each worker process, sampled twice a
    second (a pool process replaced takes its peak with it otherwise)."""

    def __init__(self, roots: list[int]) -> None:
        super().__init__(daemon=True)
        self.roots, self.peak_kb, self.stopping = roots, {}, threading.Event()

    def sample(self) -> None:
        for root in self.roots:
            for pid in _group(root):
                kb = max(_status_kb(pid, "VmHWM"), _status_kb(pid, "VmRSS"))
                self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), kb)

    def run(self) -> None:
        while not self.stopping.wait(0.5):
            self.sample()

    def stop(self) -> dict[int, int]:
        self.sample()
        self.stopping.set()
        return self.peak_kb


# --- The placing processes --------------------------------------------------------------


def place_part(url: str, queue: str, households: int, seed: int, cycle_id: int, part: int,
               parts: int) -> dict[str, Any]:
    """One placing process: its share of the households' orders, as a web process would."""
    from paniers.demo.agglomeration import generate, place_week_orders

    app = application(url, queue)
    with app.app_context():
        started = time.perf_counter()
        outcome = place_week_orders(generate(households, seed), cycle_id, part, parts)
        outcome["seconds"] = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    outcome["peak_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return outcome


# --- The week ---------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.stages: list[tuple[str, float]] = []

    def stage(self, name: str, since: float) -> float:
        now = time.perf_counter()
        self.stages.append((name, now - since))
        print(f"  {name:<38} {now - since:8.1f} s", flush=True)
        return now


def fresh(query: Any) -> Any:
    db.session.rollback()  # a new transaction: see what the workers committed
    return db.session.scalar(query)


def wait_job(cycle_id: int, kind: str, timeout_s: float) -> Any:
    from paniers.jobs.models import CycleJob, JobStatus

    def ended() -> Any:
        job = fresh(select(CycleJob).where(CycleJob.cycle_id == cycle_id, CycleJob.kind == kind)
                    .order_by(CycleJob.id.desc()))
        return job if job is not None and job.status in (JobStatus.DONE,
                                                         JobStatus.FAILED) else None

    job = wait_until(ended, timeout_s, f"the {kind} job")
    if job.status != JobStatus.DONE:
        raise SystemExit(f"the {kind} job failed: {job.summary}")
    return job


def queue_length(queue: str) -> int:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        waiting = sum(int(client.llen(key)) for key in (queue, *priority_lists(queue)))
        return waiting + int(client.hlen("unacked"))
    finally:
        client.close()


def run_week(args: argparse.Namespace, url: str, queue: str, folder: Path) -> dict[str, Any]:
    from paniers.allocation.packing import packing_rows
    from paniers.allocation.services import publish_allocation
    from paniers.cycles import services as cycles
    from paniers.delivery.models import Route, UnservedPoint
    from paniers.demo.agglomeration import generate, load, open_week, place_canteen_orders
    from paniers.demo.week import next_delivery
    from paniers.jobs import services as jobs
    from paniers.orders.models import Order
    from paniers.points.models import PickupPoint
    from paniers.subscriptions.models import Subscription, SubscriptionRun

    clock = Clock()
    app = application(url, queue)
    figures: dict[str, Any] = {"clock": clock}
    with app.app_context():
        started = time.perf_counter()
        agglomeration = generate(args.households, args.seed)
        load(agglomeration)
        figures["points"] = fresh(select(func.count(PickupPoint.id)))
        mark = clock.stage("seed (network, accounts)", started)

        workers = [WorkerProcess(url, queue, folder, f"worker{n}") for n in range(args.workers)]
        for worker in workers:
            # Jobs last longer than the tests' short visibility timeout: production's.
            worker.env["CELERY_VISIBILITY_TIMEOUT"] = "900"
        try:
            for worker in workers:
                worker.start()
            memory = PeakMemory([w.process.pid for w in workers if w.process])
            memory.start()
            mark = clock.stage(f"{args.workers} workers started", mark)
            figures.update(week(clock, args, queue, url, agglomeration, mark, {
                "cycles": cycles, "jobs": jobs, "open_week": open_week,
                "place_canteen_orders": place_canteen_orders, "publish": publish_allocation,
                "packing_rows": packing_rows, "next_delivery": next_delivery,
                "Subscription": Subscription, "SubscriptionRun": SubscriptionRun,
                "Order": Order, "Route": Route, "UnservedPoint": UnservedPoint}))
            figures["worker_peak_kb"] = memory.stop()
        finally:
            for worker in workers:
                worker.stop()
        db.session.remove()
        db.engine.dispose()
    return figures


def week(clock: Clock, args: argparse.Namespace, queue: str, url: str, agglomeration: Any,
         mark: float, m: dict[str, Any]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    delivery: date = m["next_delivery"](date.today())
    cycle = m["open_week"](agglomeration, delivery)
    cycle_id = cycle.id
    subscribed = fresh(select(func.count(m["Subscription"].id)))
    wait_until(lambda: fresh(select(func.count(m["SubscriptionRun"].id)).where(
        m["SubscriptionRun"].cycle_id == cycle_id)) >= subscribed, 1800,
        "the subscriptions' orders")
    mark = clock.stage(f"opening ({subscribed} subscriptions)", mark)

    context = multiprocessing.get_context("spawn")
    with context.Pool(args.placers) as pool:
        parts = pool.starmap(place_part, [
            (url, queue, args.households, args.seed, cycle_id, n, args.placers)
            for n in range(args.placers)])
    placed = sum(p["placed"] for p in parts)
    refused = sum(p["refused"] for p in parts)
    canteens = m["place_canteen_orders"](agglomeration, cycle_id)
    mark = clock.stage(f"ordering ({placed} one-off orders, {args.placers} processes)", mark)
    figures["placer_peak_kb"] = max(p["peak_kb"] for p in parts)
    figures["ordering"] = (placed, refused, canteens, sum(p["online"] for p in parts),
                           max(p["seconds"] for p in parts))

    closed = time.perf_counter()
    m["cycles"].close_and_hand_over(cycle_id)
    job = wait_job(cycle_id, "allocation", 1800)
    mark = clock.stage("cutoff and allocation (workers)", closed)
    figures["allocation"] = job.summary
    m["jobs"].start_job(cycle_id, "routing", PLAN_ROUTES,
                        current_app.config.get("ROUTING_TIME_LIMIT_S", 5.0))
    job = wait_job(cycle_id, "routing", 1800)
    mark = clock.stage("delivery rounds (workers)", mark)
    figures["routing"] = job.summary
    short = m["publish"](cycle_id)
    mark = clock.stage(f"publication ({len(short)} orders short)", mark)
    figures["close_to_published_s"] = mark - closed

    Order = m["Order"]  # noqa: N806
    db.session.rollback()
    point_ids = sorted({pid for (pid,) in db.session.execute(
        select(Order.point_id).where(Order.cycle_id == cycle_id))})
    rows = sum(len(m["packing_rows"](cycle_id, pid)) for pid in point_ids)
    mark = clock.stage(f"packing lists ({len(point_ids)} points, {rows} orders)", mark)
    wait_until(lambda: queue_length(queue) == 0, 1800, "the workers' queue to drain")
    clock.stage("workers' queue drained (messages, refunds)", mark)

    figures["orders"] = fresh(select(func.count(Order.id)).where(Order.cycle_id == cycle_id))
    figures["routes"] = fresh(select(func.count(m["Route"].id)).where(
        m["Route"].cycle_id == cycle_id))
    from paniers.delivery.loads import point_loads

    loads = point_loads(cycle_id).values()
    figures["loads"] = (len(loads), sum(load.weight_g for load in loads) // 1000,
                        sum(load.crates for load in loads))
    unserved = m["UnservedPoint"]
    figures["unserved_reasons"] = dict(db.session.execute(
        select(unserved.reason, func.count(unserved.id)).where(unserved.cycle_id == cycle_id)
        .group_by(unserved.reason)).all())
    figures["unserved"] = sum(figures["unserved_reasons"].values())
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--placers", type=int, default=4,
                        help="processes placing the orders at once")
    parser.add_argument("--database-url", default=os.environ.get("PANIERS_BENCH_DATABASE_URL",
                                                                  DEFAULT_URL),
                        help="a PostgreSQL URL whose server gets the benchmark's database")
    parser.add_argument("--keep-database", action="store_true",
                        help="keep the benchmark's database afterwards, to look into the week")
    args = parser.parse_args()

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} before "
          f"the run, reference workload {reference_ms():.0f} ms", flush=True)
    url = create_database(args.database_url)
    queue = unique_queue("scale")
    folder = Path(tempfile.mkdtemp(prefix="paniers-scale-"))
    try:
        started = time.perf_counter()
        upgrade(url)
        print(f"database {DATABASE} migrated in {time.perf_counter() - started:.1f} s; "
              f"queue {queue}; worker logs in {folder}", flush=True)
        figures = run_week(args, url, queue, folder)
    finally:
        forget_queue(queue)
        if not args.keep_database:
            drop_database(args.database_url)
    return report(args, figures)


def report(args: argparse.Namespace, figures: dict[str, Any]) -> int:
    placed, refused, canteens, online, slowest = figures["ordering"]
    print(f"orders: {figures['orders']} in the cycle ({placed} one-off of which {online} "
          f"online, {refused} refused, {canteens} canteens, the rest subscriptions); the "
          f"slowest placing process took {slowest:.1f} s "
          f"({placed / slowest if slowest else 0:.0f} orders/s in all)")
    allocation = figures["allocation"]
    print(f"allocation: {', '.join(f'{k}={v}' for k, v in sorted(allocation.items()))}")
    print(f"rounds: {', '.join(f'{k}={v}' for k, v in sorted(figures['routing'].items()))}; "
          "the week's loads: {} points, {} kg, {} crates".format(*figures["loads"]))
    if figures["unserved_reasons"]:
        print(f"unserved points by reason: {figures['unserved_reasons']}")
    workers = figures["worker_peak_kb"]
    web_mb = max(figures["placer_peak_kb"],
                 resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024
    worker_mb = max(workers.values(), default=0) / 1024
    print(f"peak RSS: placing (web) processes {figures['placer_peak_kb'] / 1024:.0f} MB, "
          f"this (coordinator) process "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, "
          f"worker processes {worker_mb:.0f} MB (largest of {len(workers)})")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the "
          f"end of the run, reference workload {reference_ms():.0f} ms")
    peak = max(web_mb, worker_mb)
    print(f"households={args.households} points={figures['points']} orders={figures['orders']} "
          f"close_to_published_s={figures['close_to_published_s']:.1f} "
          f"routes={figures['routes']} unserved={figures['unserved']} peak_rss_mb={peak:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
