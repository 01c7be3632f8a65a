"""Benchmark: our planner against PyVRP on seeded Lensois-like instances (towns as
clusters, an off-centre hub, wide and narrow windows mixed, uneven demands; see
``routing.generate``), a family no one tuned on.

Run from the repository root: ``.venv/bin/python tests/benchmarks/vrp_generated.py``
(``--count N`` instances with seeds ``--seed``, ``--seed``+1..., sizes cycling
through ``--sizes``; ``--time-limit`` seconds each). There is no best known: the
gap is to PyVRP's plan found in the same time, so the last line
``mean_gap_pct=X ratio_vs_pyvrp=Y instances=N`` has X = 100 (Y - 1).
"""

from __future__ import annotations

import dataclasses

from vrp_common import compare, parser, print_header, print_row, print_setup, summary_line

from routing.generate import lensois_like


def main() -> None:
    arguments = parser(__doc__ or "")
    arguments.add_argument("--count", type=int, default=10, help="how many instances")
    arguments.add_argument(
        "--sizes", default="50,100,150,200,300", help="stop counts, cycled through"
    )
    args = arguments.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    print_setup(args)
    print_header()
    rows = []
    for k in range(args.count):
        instance = lensois_like(args.seed + k, sizes[k % len(sizes)])
        row = compare(instance, args, None)
        if row.reference is not None:  # PyVRP's plan stands for the best known
            row = dataclasses.replace(
                row, best_known=row.reference, best_known_vehicles=row.reference_vehicles
            )
        rows.append(row)
        print_row(row)
    print(summary_line(rows))


if __name__ == "__main__":
    main()
