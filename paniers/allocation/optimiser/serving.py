"""Serving demand in priority order: canteens, subscriptions, then one-off orders by time.

The sweep walks the demand lines once, in priority order, drawing on each product's
remaining supply. A basket line draws its format's composition times its number of
baskets. When that no longer fits, the format is recomposed from what is left after
the lines ranked before it (the baskets already served change content too, since a
format has one content for everyone, but never take more of a product than they
held); only when no composition fits are baskets cut, and the format is then closed
to every later line. A product line that comes up short waits: if a recomposition
frees some of its product, it is served before anyone ranked after it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from paniers.allocation.optimiser.composition import Pantry
from paniers.allocation.optimiser.recomposition import recompose
from paniers.allocation.optimiser.week import BasketFormat, Composition, DemandLine

#: A format is recomposed at most this many times in a week (each costs a few solves).
MAX_RECOMPOSITIONS = 8


@dataclass
class Sweep:
    """What has been served so far, and what is left."""

    pantry: Pantry
    formats: dict[int, BasketFormat]
    compositions: dict[int, Composition]
    fixed: frozenset[int]
    remaining: dict[int, int]
    baskets: dict[int, int] = field(default_factory=dict)
    served: dict[int, int] = field(default_factory=dict)
    reasons: dict[int, str] = field(default_factory=dict)
    waiting: dict[int, list[DemandLine]] = field(default_factory=dict)
    drawn: set[int] = field(default_factory=set)
    closed: set[int] = field(default_factory=set)
    recomposed: dict[int, int] = field(default_factory=dict)
    # product id -> who drew on it, in the order they first did (a dict used as an ordered set)
    consumers: dict[int, dict[tuple[str, int], None]] = field(default_factory=dict)


def serve_in_priority_order(
    lines: Sequence[DemandLine],
    formats: Sequence[BasketFormat],
    pantry: Pantry,
    compositions: Mapping[int, Composition],
    fixed: frozenset[int] = frozenset(),
) -> Sweep:
    """Serve ``lines`` (already sorted by priority) from the pantry's supply.

    ``compositions`` is the starting content of each composable format; formats in
    ``fixed`` keep theirs. Returns the final state: baskets served per format, the
    amount served and the shortage reason of each line, the final compositions.
    """
    sweep = Sweep(pantry, {f.id: f for f in formats}, dict(compositions), fixed,
                  dict(pantry.supply), baskets={f.id: 0 for f in formats})
    ahead = _baskets_per_format(lines)
    for index, line in enumerate(lines):
        if line.product_id is not None:
            _serve_product(sweep, line)
        else:
            _serve_baskets(sweep, lines, index, ahead)
    return sweep


def _baskets_per_format(lines: Sequence[DemandLine]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for line in lines:
        if line.format_id is not None:
            counts[line.format_id] = counts.get(line.format_id, 0) + line.quantity
    return counts


def _serve_product(sweep: Sweep, line: DemandLine) -> None:
    assert line.product_id is not None
    pid = line.product_id
    take = min(line.quantity, sweep.remaining.get(pid, 0))
    if take < line.quantity:
        sweep.reasons[line.id] = _product_reason(sweep, pid)
        sweep.waiting.setdefault(pid, []).append(line)
    _draw(sweep, pid, take, ("line", line.id))
    sweep.served[line.id] = take


def _product_reason(sweep: Sweep, product_id: int) -> str:
    if sweep.pantry.supply.get(product_id, 0) == 0:
        return "no_supply"
    return "outranked" if product_id in sweep.drawn else "short_supply"


def _draw(sweep: Sweep, product_id: int, amount: int, consumer: tuple[str, int]) -> None:
    if amount <= 0:
        return
    sweep.remaining[product_id] -= amount
    sweep.drawn.add(product_id)
    sweep.consumers.setdefault(product_id, {})[consumer] = None


def _serve_baskets(sweep: Sweep, lines: Sequence[DemandLine], index: int,
                   ahead: dict[int, int]) -> None:
    line = lines[index]
    assert line.format_id is not None
    fid = line.format_id
    wanted_later = ahead[fid]
    ahead[fid] -= line.quantity
    if line.quantity == 0:
        sweep.served[line.id] = 0
    elif fid not in sweep.compositions:
        _cut(sweep, line, 0, "no_composition")
    elif fid in sweep.closed:
        _cut(sweep, line, 0, "basket_cut")
    else:
        _fill_baskets(sweep, lines, index, wanted_later)


def _fill_baskets(sweep: Sweep, lines: Sequence[DemandLine], index: int,
                  wanted_later: int) -> None:
    """Serve a basket line with the format's content, recomposing it first if it no longer
    fits; cut what still does not fit and close the format to later lines."""
    line = lines[index]
    fid = line.format_id
    assert fid is not None
    if _fits(sweep, fid) < line.quantity and _may_recompose(sweep, fid):
        _recompose(sweep, fid, wanted_later, lines, index)
    take = min(line.quantity, _fits(sweep, fid))
    for item in sweep.compositions[fid].items:
        _draw(sweep, item.product_id, take * item.quantity, ("format", fid))
    sweep.baskets[fid] += take
    if take < line.quantity:
        _cut(sweep, line, take, "basket_cut")
        sweep.closed.add(fid)
    else:
        sweep.served[line.id] = take


def _cut(sweep: Sweep, line: DemandLine, served: int, reason: str) -> None:
    sweep.served[line.id] = served
    sweep.reasons[line.id] = reason


def _fits(sweep: Sweep, format_id: int) -> int:
    """How many more baskets of the format the remaining supply can fill."""
    items = sweep.compositions[format_id].items
    return min((sweep.remaining.get(i.product_id, 0) // i.quantity for i in items if i.quantity),
               default=0)


def _may_recompose(sweep: Sweep, format_id: int) -> bool:
    return (format_id not in sweep.fixed
            and sweep.recomposed.get(format_id, 0) < MAX_RECOMPOSITIONS)


def _recompose(sweep: Sweep, fid: int, wanted_later: int, lines: Sequence[DemandLine],
               index: int) -> None:
    """Recompose ``fid`` for as many of its remaining baskets as possible, at least one more
    than fits now; lines already short keep their claim on what the baskets give back."""
    sweep.recomposed[fid] = sweep.recomposed.get(fid, 0) + 1
    served = sweep.baskets[fid]
    held = sweep.compositions[fid]
    available = {
        pid: max(0, left + served * held.quantity_of(pid) - _still_short(sweep, pid))
        for pid, left in sweep.remaining.items()
    }
    fmt = sweep.formats[fid]
    everyone = served + wanted_later
    # First try to leave room for the produce ordered by lines ranked after this one.
    reserved = _minus_later(available, lines, index, fid)
    result = recompose(fmt, sweep.pantry, reserved, everyone, everyone)
    if result is None:
        result = recompose(fmt, sweep.pantry, available, served + _fits(sweep, fid) + 1, everyone)
    if result is not None:
        _switch(sweep, fid, result[1])


def _still_short(sweep: Sweep, product_id: int) -> int:
    return sum(line.quantity - sweep.served[line.id] for line in sweep.waiting.get(product_id, []))


def _minus_later(available: Mapping[int, int], lines: Sequence[DemandLine], index: int,
                 format_id: int) -> dict[int, int]:
    """``available`` less the produce ordered by the lines after ``index`` up to the
    format's last line."""
    last = max((i for i in range(index + 1, len(lines)) if lines[i].format_id == format_id),
               default=index)
    left = dict(available)
    for line in lines[index + 1: last + 1]:
        if line.product_id is not None and line.product_id in left:
            left[line.product_id] = max(0, left[line.product_id] - line.quantity)
    return left


def _switch(sweep: Sweep, fid: int, composition: Composition) -> None:
    """Give the served baskets their new content, then let waiting lines take what it frees."""
    served = sweep.baskets[fid]
    old = sweep.compositions[fid]
    products = {i.product_id for i in old.items} | {i.product_id for i in composition.items}
    for pid in products:
        sweep.remaining[pid] += served * (old.quantity_of(pid) - composition.quantity_of(pid))
    sweep.compositions[fid] = composition
    if served:
        for pid in products:
            if composition.quantity_of(pid):
                sweep.consumers.setdefault(pid, {})[("format", fid)] = None
    for pid in products:
        _serve_waiting(sweep, pid)


def _serve_waiting(sweep: Sweep, product_id: int) -> None:
    for line in sweep.waiting.get(product_id, []):
        take = min(line.quantity - sweep.served[line.id], sweep.remaining[product_id])
        _draw(sweep, product_id, take, ("line", line.id))
        sweep.served[line.id] += take
        if sweep.served[line.id] == line.quantity:
            del sweep.reasons[line.id]
    sweep.waiting[product_id] = [
        line for line in sweep.waiting.get(product_id, []) if sweep.served[line.id] < line.quantity
    ]
