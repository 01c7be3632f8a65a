"""Benchmark: households ordering through the real web forms, under gunicorn, on PostgreSQL.

Run from the repository root (PostgreSQL on 127.0.0.1:5432 must be running):
``.venv/bin/python tests/benchmarks/orders_load.py [--duration 20] [--buyers 16]
[--web-workers N] [--database-url URL]``.

It creates a schema of its own, migrates and seeds it, opens a cycle with ample supply
and basket quotas, adds one household per buyer, and serves the application with
``gunicorn -c gunicorn.conf.py paniers.wsgi:app`` on a free local port. Each buyer
(a thread with its own HTTP session) logs in and loads the catalogue form with its CSRF
token before the clock starts (password hashing is deliberately slow and not what is
measured), then posts orders (a small basket and 500 g of potatoes) back to back for
``--duration`` seconds, each on a new connection (sync workers close theirs) with the
session cookie of its login: as a browser whose next page showed the confirmation, so
that flash messages do not pile up in the cookie. The buyers use ``http.client`` with the
form encoded once: on a two-core machine, what the load generator burns is taken from the
server. Afterwards the database is reconciled: units sold against
declared and quotas, sold against the order lines, orders without lines. The last line
is ``orders_per_s=X p95_ms=Y oversold=Z errors=E reference_ms=R``; the schema is dropped
at the end.

``--rush``: the opening of a cycle, when most households order within the first hour.
``--households`` households (default 300) are logged in beforehand, each with a basket of
its own (a small or a medium basket or none, and some of the five products, 500 g to
1.5 kg each); the supply is short (onions for about half of those who want some, baskets
for about two thirds), so that the last households are told it is sold out. The clock
starts when they all arrive at once, ``--buyers`` at a time (browsers, each a new
connection), every household placing its one order. The figures are printed as the
steady workload's, with the refusals counted apart: ``rush: households=H ordered=N
sold_out=S orders_per_s=X p95_ms=Y oversold=Z errors=E reference_ms=R``.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import redis
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import create_engine, func, select, text  # noqa: E402

from paniers import create_app  # noqa: E402
from paniers.cycles.models import BasketFormat, ProductStock  # noqa: E402
from paniers.demo.seed import seed_demo  # noqa: E402
from paniers.extensions import db  # noqa: E402
from paniers.migrate import upgrade  # noqa: E402
from paniers.orders.models import Order, OrderLine  # noqa: E402
from tests.integration.week import open_week  # noqa: E402
from tests.support.households import add_households  # noqa: E402
from tests.support.services import REDIS_URL, unique_queue  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PASSWORD = "paniers-demo"


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ok(self, latency_ms: float) -> None:
        with self.lock:
            self.latencies_ms.append(latency_ms)

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


STEADY_SUPPLY = dict.fromkeys(("Pomme de terre", "Carotte", "Poireau", "Oignon", "Chou"),
                              5_000_000)


def prepare(admin_url: str, buyers: int, quotas: tuple[int, int, int] = (1_000_000, 0, 0),
            supply: dict[str, int] | None = None) -> tuple[str, str, int]:
    """A new schema, migrated, seeded, with an open cycle and ``buyers`` households."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    url = f"{admin_url}{'&' if '?' in admin_url else '?'}options=-csearch_path%3D{schema}"
    upgrade(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        seed_demo()
        open_week(quotas=quotas, supply=STEADY_SUPPLY if supply is None else supply)
        add_households(buyers, prefix="bench")
        before = db.session.scalar(select(func.count(Order.id))) or 0
        db.session.remove()
        db.engine.dispose()
    return schema, url, before


def drop(admin_url: str, schema: str) -> None:
    admin = create_engine(admin_url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def serve(url: str, port: int, web_workers: int, folder: Path,
          broker: tuple[str, str] | None) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": url, "HOST": "127.0.0.1", "PORT": str(port),
           "WEB_CONCURRENCY": str(web_workers), "PANIERS_INSTANCE_DIR": str(folder),
           "ACCESS_LOG": str(folder / "access.log"),
           # every buyer logs in from this one machine: the login throttling would refuse
           # all but the first few
           "RATELIMIT_ENABLED": "0",
           # plain HTTP on the loopback: cookies marked Secure would never come back
           "SESSION_COOKIE_SECURE": "0"}
    if broker is not None:
        env["CELERY_BROKER_URL"], env["CELERY_QUEUE"] = broker
    log = (folder / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(REPO_ROOT / "gunicorn.conf.py"),
         "paniers.wsgi:app"], cwd=REPO_ROOT, env=env, stdout=log, stderr=log,
        start_new_session=True)
    deadline = time.monotonic() + 180  # workers boot slowly on a machine under load
    try:
        while time.monotonic() < deadline and server.poll() is None:
            try:
                if requests.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    return server
            except requests.RequestException:
                pass
            time.sleep(0.2)
    except BaseException:  # interrupted while waiting: never leave a server behind
        stop(server)
        raise
    stop(server)
    raise SystemExit(f"gunicorn did not start:\n{(folder / 'gunicorn.log').read_text()}")


def redis_queue(broker_url: str) -> tuple[str, str] | None:
    """A queue of its own on Redis, as in production (the confirmations each order hands
    to the workers go there; no worker runs, it is deleted afterwards), or None, the
    embedded filesystem broker, when Redis does not answer."""
    try:
        redis.Redis.from_url(broker_url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return None
    return broker_url, unique_queue("bench")


def drop_queue(broker: tuple[str, str] | None) -> None:
    if broker is not None:
        url, queue = broker
        client = redis.Redis.from_url(url)
        keys = list(client.scan_iter(match=f"*{queue}*"))  # the list and its bindings
        if keys:
            client.delete(*keys)


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, "no CSRF token in the page"
    return match.group(1)


def order_form(page: str) -> dict[str, str]:
    """The catalogue form filled in: one small basket and 500 g of potatoes."""
    data = {"csrf_token": csrf_token(page), "confirmed": "1"}  # past the summary step
    point = re.search(r'<select[^>]*name="point".*?<option[^>]*value="([1-9]\d*)"', page, re.S)
    assert point, "no pickup point in the form"
    data["point"] = point.group(1)
    for i, fid in re.findall(r'name="baskets-(\d+)-format_id" type="hidden" value="(\d+)"', page):
        data[f"baskets-{i}-format_id"] = fid
        data[f"baskets-{i}-count"] = "1" if i == "0" else "0"
    for i, pid in re.findall(r'name="products-(\d+)-product_id" type="hidden" value="(\d+)"',
                             page):
        data[f"products-{i}-product_id"] = pid
        data[f"products-{i}-quantity"] = "0,5"
    assert "baskets-0-count" in data and any(k.startswith("products-") for k in data)
    return data


RUSH_QUANTITIES = ("0,5", "1", "1,5")


def rush_form(page: str, n: int) -> dict[str, str]:
    """The catalogue form as household ``n`` of the rush fills it in: a small basket, a
    medium one or none (one household in four buys only produce), and the products whose
    bit is set in ``n + 1`` (at least one when there is no basket), 500 g to 1.5 kg each."""
    data = order_form(page)
    formats = sorted(k for k in data if k.endswith("-count"))
    for key in formats:
        data[key] = "0"
    if n % 4 != 3:
        data[formats[n % len(formats)]] = "1"
    products = sorted(k for k in data if k.startswith("products-") and k.endswith("-quantity"))
    wanted = (n + 1) % (1 << len(products)) or 1
    for bit, key in enumerate(products):
        data[key] = RUSH_QUANTITIES[(n + bit) % len(RUSH_QUANTITIES)] if (
            wanted >> bit) & 1 else ""
    return data


@dataclass(frozen=True)
class Buyer:
    """A logged-in household: its cookie and its order form, encoded once."""

    headers: dict[str, str]
    body: bytes


def log_in(base: str, n: int, rush: bool = False) -> Buyer:
    session = requests.Session()
    login = session.get(f"{base}/connexion")
    answer = session.post(f"{base}/connexion", data={
        "csrf_token": csrf_token(login.text), "email": f"bench-{n}@paniers.demo",
        "password": PASSWORD}, allow_redirects=False)
    errors = " ".join(re.findall(r'class="[^"]*error[^"]*">([^<]*)<', answer.text))
    assert answer.status_code == 302, (
        f"login refused for household {n}: {answer.status_code} {errors}")
    catalogue = session.get(f"{base}/catalogue")
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    return Buyer(headers={"Cookie": cookie,
                          "Content-Type": "application/x-www-form-urlencoded"},
                 body=urlencode(rush_form(catalogue.text, n) if rush
                                else order_form(catalogue.text)).encode())


def log_in_all(base: str, households: int, browsers: int) -> list[Buyer]:
    """Every household of the rush logged in, ``browsers`` at a time (before the clock)."""
    buyers: list[Buyer | None] = [None] * households
    numbers = list(range(households))
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                if not numbers:
                    return
                n = numbers.pop()
            buyers[n] = log_in(base, n, rush=True)

    threads = [threading.Thread(target=work) for _ in range(min(browsers, households))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(buyers), "a household could not log in"
    return [buyer for buyer in buyers if buyer is not None]


def post_order(port: int, buyer: Buyer, tally: Tally, timeout_s: float
               ) -> tuple[bool, int, str, float] | None:
    """One order posted as the buyer: (placed, HTTP status, page, milliseconds); None,
    counted as an error, when the connection failed."""
    begin = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout_s)
    try:
        connection.request("POST", "/catalogue", buyer.body, buyer.headers)
        answer = connection.getresponse()
        page = answer.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as error:
        tally.error(type(error).__name__)
        return None
    finally:
        connection.close()
    elapsed_ms = (time.perf_counter() - begin) * 1000
    placed = answer.status == 302 and (answer.getheader("Location") or "").endswith(
        "/mes-commandes")
    return placed, answer.status, page, elapsed_ms


def buy(port: int, buyer: Buyer, until: float, tally: Tally) -> None:
    while time.monotonic() < until:
        posted = post_order(port, buyer, tally, 30)
        if posted is None:
            continue
        placed, status, _page, elapsed_ms = posted
        if placed:
            tally.ok(elapsed_ms)
        else:
            tally.error(f"HTTP {status}")


# What the page says when an order is refused because something is sold out.
SOLD_OUT = ("plus rien de disponible", "Plus aucun panier de ce format",
            "Plus assez de paniers", "plus assez de stock", "de quoi composer")


def rush_buyer(port: int, waiting: list[Buyer], start: threading.Barrier, tally: Tally,
               sold_out: list[int]) -> None:
    """A browser at the opening: waits for the others, then places the orders of the
    households it takes from ``waiting`` (one each), until none is left."""
    start.wait()
    while True:
        with tally.lock:
            if not waiting:
                return
            buyer = waiting.pop()
        posted = post_order(port, buyer, tally, 60)
        if posted is None:
            continue
        placed, status, page, elapsed_ms = posted
        if placed:
            tally.ok(elapsed_ms)
        elif status == 200 and any(words in page for words in SOLD_OUT):
            with tally.lock:  # refused, rightly: answered as fast counts too
                sold_out.append(int(elapsed_ms))
        else:
            tally.error(f"HTTP {status}")


def reconcile(url: str) -> dict[str, int]:
    """Units sold beyond what was declared, sold not matching the lines, orders without lines."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        oversold = mismatch = 0
        for fmt in db.session.scalars(select(BasketFormat)):
            lines = db.session.scalar(select(func.coalesce(func.sum(OrderLine.quantity), 0))
                                      .where(OrderLine.basket_format_id == fmt.id))
            oversold += max(0, fmt.sold - fmt.quota)
            mismatch += abs(fmt.sold - lines)
        for stock in db.session.scalars(select(ProductStock)):
            lines = db.session.scalar(
                select(func.coalesce(func.sum(OrderLine.quantity), 0)).join(Order)
                .where(OrderLine.product_id == stock.product_id, Order.cycle_id == stock.cycle_id))
            oversold += max(0, stock.sold - stock.declared)
            mismatch += abs(stock.sold - lines)
        orders = db.session.scalar(select(func.count(Order.id))) or 0
        empty = db.session.scalar(
            select(func.count(Order.id)).where(~Order.lines.any())) or 0
        db.session.remove()
        db.engine.dispose()
    return {"oversold": oversold, "mismatch": mismatch, "orders": orders, "empty": empty}


def _cpu_of(pid: int) -> float:
    """Seconds of CPU (user and system) a process has used, from ``/proc`` (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def cpu_snapshot(server: subprocess.Popen[bytes]) -> dict[str, float]:
    """CPU seconds so far of the buyers (this process), the web workers, PostgreSQL, and
    the whole machine (busy, from ``/proc/stat``): where the machine's two cores go."""
    if not Path("/proc/stat").exists():
        return {}
    # user nice system idle iowait irq softirq steal (guest time is counted in user)
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    per_s = os.sysconf("SC_CLK_TCK")
    web = _cpu_of(server.pid) + sum(_cpu_of(c) for c in _children(server.pid))
    return {"buyers": time.process_time(), "web": web,
            "postgres": sum(_cpu_of(p) for p in _postgres_pids()),
            "machine": (sum(ticks[:3]) + ticks[5] + ticks[6]) / per_s,
            # time a virtual machine's host gave to others: a noisy neighbour
            "stolen": ticks[7] / per_s}


def cpu_per_order(before: dict[str, float], after: dict[str, float], placed: int) -> str:
    if not before or not placed:
        return "n/a"
    spent = {k: (after[k] - before[k]) * 1000 / placed for k in before}
    other = spent["machine"] - spent["buyers"] - spent["web"] - spent["postgres"]
    return (f"web {spent['web']:.2f}, PostgreSQL {spent['postgres']:.2f}, "
            f"buyers {spent['buyers']:.2f}, other {other:.2f}, machine {spent['machine']:.2f} "
            f"(stolen by the host: {spent['stolen']:.2f})")


def reference_ms() -> float:
    """CPU milliseconds of a fixed pure-Python workload: how fast this machine runs right
    now. A virtual machine's speed drifts with its neighbours (by a third, seen here), so
    two runs compare through their ratio to this figure, not their raw orders per second."""
    start = time.process_time()
    table: dict[int, int] = {}
    for i in range(400_000):
        table[i % 997] = table.get(i % 997, 0) + len(str(i))
    return (time.process_time() - start) * 1000


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of ordering")
    parser.add_argument("--buyers", type=int, default=16, help="concurrent households")
    parser.add_argument("--web-workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--database-url", default=os.environ.get("PANIERS_BENCH_DATABASE_URL",
                                                                  DEFAULT_URL))
    parser.add_argument("--broker-url", default=os.environ.get("PANIERS_BENCH_BROKER_URL",
                                                                REDIS_URL))
    parser.add_argument("--rush", action="store_true",
                        help="the opening rush: every household orders once, all at once")
    parser.add_argument("--households", type=int, default=300,
                        help="with --rush: households arriving at the opening")
    args = parser.parse_args()

    cores = os.cpu_count()
    print(f"machine: {cores} cores, load average {os.getloadavg()[0]:.2f} before the run, "
          f"reference workload {reference_ms():.0f} ms")
    if args.rush:
        households = args.households
        schema, url, orders_before = prepare(
            args.database_url, households, quotas=(households // 3, households // 3, 0),
            # onions for about half of those who ask for some (one in two, 1 kg each)
            supply=STEADY_SUPPLY | {"Oignon": households * 250})
    else:
        schema, url, orders_before = prepare(args.database_url, args.buyers)
    try:
        return run(args, url, orders_before)
    finally:
        drop(args.database_url, schema)


def run(args: argparse.Namespace, url: str, orders_before: int) -> int:
    folder = Path(tempfile.mkdtemp(prefix="paniers-bench-"))
    port = free_port()
    broker = redis_queue(args.broker_url)
    print(f"broker: {'Redis, queue ' + broker[1] if broker else 'filesystem (no Redis)'}")
    try:
        return measure(args, url, orders_before, folder, port, broker)
    finally:
        drop_queue(broker)


def measure(args: argparse.Namespace, url: str, orders_before: int, folder: Path, port: int,
            broker: tuple[str, str] | None) -> int:
    cores = os.cpu_count()
    server = serve(url, port, args.web_workers, folder, broker)
    base = f"http://127.0.0.1:{port}"
    tally = Tally()
    sold_out: list[int] = []
    try:
        if args.rush:
            buyers = log_in_all(base, args.households, args.buyers)
            print(f"{args.households} households logged in; {args.buyers} browsers at once; "
                  f"gunicorn with {args.web_workers} workers")
            waiting = list(reversed(buyers))
            start = threading.Barrier(args.buyers + 1)
            threads = [threading.Thread(target=rush_buyer,
                                        args=(port, waiting, start, tally, sold_out))
                       for _ in range(args.buyers)]
            for thread in threads:
                thread.start()
            cpu_before = cpu_snapshot(server)
            started = time.monotonic()
            start.wait()
        else:
            buyers = [log_in(base, n) for n in range(args.buyers)]
            print(f"{args.buyers} buyers logged in; gunicorn with {args.web_workers} "
                  "workers")
            cpu_before = cpu_snapshot(server)
            until = time.monotonic() + args.duration
            started = time.monotonic()
            threads = [threading.Thread(target=buy, args=(port, buyer, until, tally))
                       for buyer in buyers]
            for thread in threads:
                thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        cpu_after = cpu_snapshot(server)
        load = os.getloadavg()[0]
    finally:
        stop(server)
    figures = reconcile(url)

    placed = len(tally.latencies_ms)
    errors = sum(tally.errors.values())
    # The reconciliation counts as errors too: an order seen by a buyer but not stored,
    # stock that does not match its lines, an order without lines.
    stored = figures["orders"] - orders_before
    errors += abs(stored - placed) + figures["mismatch"] + figures["empty"]
    rate = placed / elapsed
    p50, p95 = percentile(tally.latencies_ms, 50), percentile(tally.latencies_ms, 95)
    print(f"orders placed: {placed} in {elapsed:.1f} s by {args.buyers} buyers "
          f"({stored} stored)" + (f", {len(sold_out)} refused as sold out (p95 "
                                  f"{percentile(sold_out, 95):.1f} ms)" if args.rush else ""))
    slowest = max(tally.latencies_ms, default=0.0)
    print(f"latency: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {slowest:.1f} ms")
    print(f"errors: {tally.errors or 'none'}; reconciliation: {figures}")
    print(f"CPU ms per order: {cpu_per_order(cpu_before, cpu_after, placed)}")
    if cpu_before:
        busy = (cpu_after["machine"] - cpu_before["machine"]) / (elapsed * (cores or 1))
        print(f"machine busy {busy:.0%} of its {cores} cores: near 100 %, the CPU is the "
              "limit; well below, waiting is (locks, round trips)")
    reference = reference_ms()
    print(f"machine: {cores} cores, load average {load:.2f} at the end of the run, "
          f"reference workload {reference:.0f} ms")
    if args.rush:
        # every household answered: ordered, told it is sold out, or an error
        errors += abs(args.households - placed - len(sold_out) - sum(tally.errors.values()))
        print(f"rush: households={args.households} ordered={placed} sold_out={len(sold_out)} "
              f"orders_per_s={rate:.1f} p95_ms={p95:.1f} oversold={figures['oversold']} "
              f"errors={errors} reference_ms={reference:.0f}")
    else:
        print(f"orders_per_s={rate:.1f} p95_ms={p95:.1f} oversold={figures['oversold']} "
              f"errors={errors} reference_ms={reference:.0f}")
    return 0 if figures["oversold"] == 0 and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
