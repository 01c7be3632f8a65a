"""The weekly cycle's states and the moves between them (pure rules)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
DEFAULT_CUTOFF = timedelta(hours=48)
DELIVERY_START = time(6, 0)  # vans leave the hub at 06:00 on delivery day


class CycleStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    ALLOCATED = "allocated"
    ROUTED = "routed"
    DELIVERED = "delivered"
    SETTLED = "settled"


ORDER = list(CycleStatus)

# Re-running allocation or routing moves a cycle back one step, never further.
MOVES: dict[CycleStatus, frozenset[CycleStatus]] = {
    CycleStatus.DRAFT: frozenset({CycleStatus.OPEN}),
    CycleStatus.OPEN: frozenset({CycleStatus.CLOSED}),
    CycleStatus.CLOSED: frozenset({CycleStatus.ALLOCATED}),
    CycleStatus.ALLOCATED: frozenset({CycleStatus.ALLOCATED, CycleStatus.ROUTED}),
    CycleStatus.ROUTED: frozenset(
        {CycleStatus.ALLOCATED, CycleStatus.ROUTED, CycleStatus.DELIVERED}
    ),
    CycleStatus.DELIVERED: frozenset({CycleStatus.SETTLED}),
    CycleStatus.SETTLED: frozenset(),
}


class TransitionError(ValueError):
    """A cycle was asked to move to a state it cannot reach from where it is."""

    def __init__(self, current: str, target: str) -> None:
        super().__init__(f"cycle cannot go from {current} to {target}")
        self.current = current
        self.target = target


def check_move(current: str, target: str) -> CycleStatus:
    """Return ``target`` as a status if a cycle in ``current`` may move there."""
    status, wanted = CycleStatus(current), CycleStatus(target)
    if wanted not in MOVES[status]:
        raise TransitionError(current, target)
    return wanted


def default_cutoff(delivery_date: date) -> datetime:
    """48 hours before the vans leave, Paris time."""
    return datetime.combine(delivery_date, DELIVERY_START, PARIS) - DEFAULT_CUTOFF


def accepts_orders(status: str, cutoff_dt: datetime, now: datetime) -> bool:
    """Orders are taken, changed and cancelled only while open and before the cutoff."""
    return status == CycleStatus.OPEN and now < cutoff_dt


def validate_schedule(delivery_date: date, cutoff_dt: datetime, now: datetime) -> list[str]:
    """Reasons (message keys) why a new cycle's dates are unusable; empty if fine."""
    problems = []
    if cutoff_dt <= now:
        problems.append("cutoff_in_past")
    if cutoff_dt >= datetime.combine(delivery_date, DELIVERY_START, PARIS):
        problems.append("cutoff_after_delivery")
    return problems
