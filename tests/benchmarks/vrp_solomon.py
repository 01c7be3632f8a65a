"""Benchmark: our planner against PyVRP and the best knowns on Solomon VRPTW instances.

Run from the repository root: ``.venv/bin/python tests/benchmarks/vrp_solomon.py``
(``--instance-file`` for a folder or single files, ``--time-limit`` seconds each).
Both solvers get the same integer data (distances truncated to one decimal, times
10); ours runs ``--workers`` searches on as many cores, PyVRP one. The last line is
``mean_gap_pct=X ratio_vs_pyvrp=Y instances=N``.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from vrp_common import (
    DATA_DIR,
    Row,
    compare,
    instance_files,
    parser,
    print_header,
    print_row,
    print_setup,
    read_bks,
    summary_line,
)

from routing.instances import read_solomon


def best_known(path: Path, bks: dict[str, tuple[int, float]]) -> tuple[int, float] | None:
    """From bks.csv, else from the ``.sol`` file beside the instance."""
    if path.stem.lower() in bks:
        return bks[path.stem.lower()]
    solution = path.with_suffix(".sol")
    if not solution.exists():
        return None
    text = solution.read_text()
    cost = re.search(r"^Cost\s+([\d.]+)", text, re.MULTILINE)
    routes = len(re.findall(r"^Route", text, re.MULTILINE))
    return (routes, float(cost.group(1))) if cost else None


def run_instance(path: Path, args: argparse.Namespace, bks: dict[str, tuple[int, float]]) -> Row:
    return compare(read_solomon(path), args, best_known(path, bks))


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    folder = DATA_DIR / "solomon"
    files = instance_files(args.instance_file, folder, "*.txt")
    bks = read_bks(folder / "bks.csv")
    print_setup(args)
    print_header()
    rows = []
    for path in files:
        rows.append(run_instance(path, args, bks))
        print_row(rows[-1])
    print(summary_line(rows))


if __name__ == "__main__":
    main()
