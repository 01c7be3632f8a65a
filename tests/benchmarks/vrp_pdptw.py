"""Benchmark: our planner against PyVRP and the best knowns on Li & Lim PDPTW instances.

Run from the repository root: ``.venv/bin/python tests/benchmarks/vrp_pdptw.py``.
Convention compared: total distance only, at most the instance's fleet, with
Euclidean distances scaled by 1000 and rounded (travel times rounded up), so costs
are within a few thousandths of double-precision distances. The best knowns in
``pdptw/bks.csv`` are hierarchical (fewest vehicles first, then distance): a plan
with more vehicles can legitimately be shorter, so gaps below zero are possible.
The last line is ``mean_gap_pct=X ratio_vs_pyvrp=Y instances=N``.
"""

from __future__ import annotations

import time

from vrp_common import (
    DATA_DIR,
    Row,
    instance_files,
    parser,
    print_header,
    print_row,
    print_setup,
    read_bks,
    solve_with_pyvrp,
    summary_line,
)

from routing.instances import read_li_lim
from routing.solver import plan_routes


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    folder = DATA_DIR / "pdptw"
    files = [p for p in instance_files(args.instance_file, folder, "*.txt") if "_" not in p.stem]
    bks = read_bks(folder / "bks.csv")
    print_setup(args)
    print_header()
    rows = []
    for path in files:
        instance = read_li_lim(path)
        started = time.perf_counter()
        result = plan_routes(instance.problem, time_limit_s=args.time_limit, seed=args.seed,
                             matrix_provider=instance.matrices, workers=args.workers,
                             soft_mandatory=False)
        seconds = time.perf_counter() - started
        ours = None if result.unserved else result.total_distance_m / instance.scale
        reference, reference_routes, reference_seconds = None, 0, 0.0
        if not args.no_pyvrp:
            outcome = solve_with_pyvrp(instance.problem, instance.matrices, args.time_limit,
                                       args.seed)
            reference = outcome.distance / instance.scale if outcome.feasible else None
            reference_routes, reference_seconds = outcome.routes, outcome.seconds
        known = bks.get(instance.name.lower())
        rows.append(Row(instance.name, ours, len(result.routes), seconds, reference,
                        reference_routes, reference_seconds,
                        known[1] if known else None, known[0] if known else None))
        print_row(rows[-1])
    print(summary_line(rows))


if __name__ == "__main__":
    main()
