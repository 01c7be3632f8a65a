"""Solve one Solomon VRPTW instance and print it like the ``.sol`` files.

Usage: ``python -m routing.solomon FILE --time-limit S [--workers N] [--seed K]``
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from routing.instances import Instance, read_solomon, route_cost
from routing.result import RoutingResult
from routing.solver import plan_routes


def solve_solomon(
    instance: Instance, *, time_limit_s: float, workers: int = 1, seed: int = 0,
    hybrid: bool = True,
) -> RoutingResult:
    """Plans an instance with every customer mandatory (the benchmark's rules);
    ``hybrid=False`` keeps PyVRP's search out."""
    return plan_routes(
        instance.problem,
        time_limit_s=time_limit_s,
        seed=seed,
        matrix_provider=instance.matrices,
        workers=workers,
        soft_mandatory=False,
        hybrid=hybrid,
    )


def customer_routes(result: RoutingResult) -> list[list[int]]:
    """Routes as lists of customer numbers, in the order of the result."""
    return [[int(stop_id) for stop_id in route.stop_ids] for route in result.routes]


def format_solution(instance: Instance, routes: Sequence[Sequence[int]]) -> str:
    """``Route #i: ...`` lines then ``Cost X``, the cost in the instance's convention."""
    lines = [
        f"Route #{i}: {' '.join(str(c) for c in route)}"
        for i, route in enumerate(routes, start=1)
    ]
    cost = sum(route_cost(instance, list(route)) for route in routes)
    lines.append(f"Cost {cost:.1f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m routing.solomon", description=__doc__)
    parser.add_argument("file", help="a Solomon instance (.txt)")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds of search")
    parser.add_argument("--workers", type=int, default=2, help="parallel searches")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    instance = read_solomon(args.file)
    result = solve_solomon(
        instance, time_limit_s=args.time_limit, workers=args.workers, seed=args.seed
    )
    if result.unserved:
        print(f"# status {result.status.value}: {len(result.unserved)} customers unserved")
        return 1
    print(format_solution(instance, customer_routes(result)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
