"""Benchmark: our planner against PyVRP and the best knowns on the Gehring &
Homberger VRPTW instances of 200 customers (VRPLIB files), a check that the
planner, tuned on Solomon's 100 customers, generalises.

Run from the repository root: ``.venv/bin/python tests/benchmarks/vrp_gh200.py``
(``--sample`` for two instances of each of the six families, ``--families C1,R2``
to keep some, ``--instance-file`` for a folder or single files, ``--time-limit``
seconds each). Same convention and same data for both solvers as Solomon's
benchmark; the last line is ``mean_gap_pct=X ratio_vs_pyvrp=Y instances=N``, the
gap being to the best knowns.
"""

from __future__ import annotations

from pathlib import Path

from vrp_common import (
    DATA_DIR,
    compare,
    instance_files,
    parser,
    print_header,
    print_row,
    print_setup,
    read_bks,
    summary_line,
)

from routing.instances import read_vrplib

FAMILIES = ("C1", "C2", "R1", "R2", "RC1", "RC2")
# Two of each family, a loose and a tight one: the sample the planner is measured on.
SAMPLE = tuple(f"{family}_2_{k}" for family in FAMILIES for k in (2, 7))


def main() -> None:
    arguments = parser(__doc__ or "")
    arguments.add_argument("--sample", action="store_true", help=f"only {', '.join(SAMPLE)}")
    arguments.add_argument("--families", default="", help="comma-separated, e.g. C1,RC2")
    args = arguments.parse_args()
    folder = DATA_DIR / "gh200"
    files = instance_files(args.instance_file, folder, "*.vrp")
    if args.sample:
        files = [path for path in files if path.stem in SAMPLE]
    if args.families:
        keep = tuple(f"{family.strip()}_" for family in args.families.split(","))
        files = [path for path in files if path.stem.startswith(keep)]
    bks = read_bks(folder / "bks.csv")
    print_setup(args)
    print_header()
    rows = []
    for path in files:
        rows.append(compare(read_vrplib(path), args, bks.get(Path(path).stem.lower())))
        print_row(rows[-1])
    print(summary_line(rows))


if __name__ == "__main__":
    main()
