"""Benchmark: the cost of one order in-process, on PostgreSQL, without HTTP or gunicorn.

Run from the repository root (PostgreSQL on 127.0.0.1:5432 must be running):
``.venv/bin/python tests/benchmarks/orders_profile.py [--orders 400] [--profile 25]
[--database-url URL]``.

The same week as ``orders_load.py`` (a schema of its own, migrated, seeded, a cycle with
ample supply). One household logs in through the Flask test client (CSRF on), loads the
catalogue form, then posts ``--orders`` orders back to back, one thread, one process:
what one order costs the web process in CPU and round trips, apart from the machine's
other load. SQL statements and commits are counted per order with engine events;
``--profile N`` prints the N costliest functions (cProfile, cumulative and own time) and
the own time per package; ``--show-sql`` the statements of one order. The last line is
``ms_per_order=X cpu_ms_per_order=C sql_per_order=S commits_per_order=K``.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

os.environ.setdefault("PANIERS_INSTANCE_DIR", tempfile.mkdtemp(prefix="paniers-profile-"))

from sqlalchemy import event  # noqa: E402

from paniers import create_app  # noqa: E402
from paniers.extensions import db  # noqa: E402
from tests.benchmarks.orders_load import (  # noqa: E402
    DEFAULT_URL,
    PASSWORD,
    csrf_token,
    drop,
    order_form,
    prepare,
    reference_ms,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=400, help="orders timed")
    parser.add_argument("--warmup", type=int, default=30, help="orders before the clock")
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest calls")
    parser.add_argument("--show-sql", action="store_true", help="print one order's statements")
    parser.add_argument("--callers", default="", help="with --profile: who calls functions "
                        "matching this regular expression")
    parser.add_argument("--database-url", default=os.environ.get("PANIERS_BENCH_DATABASE_URL",
                                                                  DEFAULT_URL))
    args = parser.parse_args()
    schema, url, _before = prepare(args.database_url, 1)
    try:
        return run(args, url)
    finally:
        drop(args.database_url, schema)


def run(args: argparse.Namespace, url: str) -> int:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    counts = {"sql": 0, "commits": 0}
    shown: list[str] = []
    recording = {"on": False}
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _statement(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        counts["sql"] += 1
        if recording["on"]:
            shown.append(" ".join(statement.split())[:160])

    @event.listens_for(engine, "commit")
    def _commit(*_args: object) -> None:
        counts["commits"] += 1

    client = app.test_client()
    page = client.get("/connexion").get_data(as_text=True)
    answer = client.post("/connexion", data={"csrf_token": csrf_token(page),
                                             "email": "bench-0@paniers.demo",
                                             "password": PASSWORD})
    assert answer.status_code == 302, "login refused"
    form = order_form(client.get("/catalogue").get_data(as_text=True))

    def post() -> None:
        answer = client.post("/catalogue", data=form)
        assert answer.status_code == 302 and answer.location.endswith("/mes-commandes"), (
            answer.status_code, answer.get_data(as_text=True)[:500])

    for _ in range(args.warmup):
        post()
    if args.show_sql:
        recording["on"] = True
        post()
        recording["on"] = False
        print("\n".join(f"  {n + 1:2d}. {line}" for n, line in enumerate(shown)))
    counts.update(sql=0, commits=0)
    reference = reference_ms()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.orders):
        post()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    sql, commits = counts["sql"] / args.orders, counts["commits"] / args.orders
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(min(args.orders, 200)):
            post()
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(args.profile)
        stats.sort_stats("tottime").print_stats(args.profile)
        by_package: dict[str, float] = {}
        for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in (
                stats.stats.items()):  # type: ignore[attr-defined]
            part = filename.split("site-packages/")[-1].split("/")[0] if (
                "site-packages" in filename) else ("paniers" if "/paniers/" in filename
                                                   else filename.rsplit("/", 1)[-1])
            by_package[part] = by_package.get(part, 0.0) + tottime
        calls = min(args.orders, 200)
        print("self time per order by package (ms):", ", ".join(
            f"{name} {total / calls * 1000:.2f}" for name, total in
            sorted(by_package.items(), key=lambda item: -item[1])[:14]))
        if args.callers:
            stats.print_callers(args.callers)
    with app.app_context():
        db.engine.dispose()
    print(f"{args.orders} orders in {wall:.2f} s wall, {cpu:.2f} s CPU (this process); "
          f"load average {os.getloadavg()[0]:.2f}, reference workload {reference_ms():.0f} ms "
          f"(before the orders: {reference:.0f} ms)")
    print(f"ms_per_order={wall / args.orders * 1000:.2f} "
          f"cpu_ms_per_order={cpu / args.orders * 1000:.2f} "
          f"sql_per_order={sql:.1f} commits_per_order={commits:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
