"""EGAlim figures: where a canteen's purchases stand against the law's shares.

The EGAlim law asks that at least 50 % of a canteen's food purchases, by value,
be sustainable or quality-labelled products, of which organic products make at
least 20 % of the purchases. Organic counts as quality; products of farms in
conversion (C1, C2, C3) count as organic. The local share is reported beside,
as the schemes' own target (it is not an EGAlim threshold).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ORGANIC_STATUSES = frozenset({"AB", "C1", "C2", "C3"})
QUALITY_TARGET_PCT = 50
ORGANIC_TARGET_PCT = 20


@dataclass(frozen=True)
class PurchaseLine:
    """One purchase: its value, the farm's organic status, a quality label, local or not.

    ``organic_status``: 'AB' (certified), 'C1'/'C2'/'C3' (conversion year) or
    ``None`` or ``''`` (conventional).
    """

    value_cents: int
    organic_status: str | None = None
    quality_label: bool = False
    local: bool = False

    def __post_init__(self) -> None:
        if self.value_cents < 0:
            raise ValueError("a purchase value cannot be negative")
        if self.organic_status and self.organic_status not in ORGANIC_STATUSES:
            raise ValueError(f"organic status must be one of {sorted(ORGANIC_STATUSES)} or None")

    @property
    def organic(self) -> bool:
        return bool(self.organic_status)

    @property
    def quality(self) -> bool:
        return self.quality_label or self.organic


@dataclass(frozen=True)
class EgalimFigures:
    """Shares of the purchase value (percent, one decimal) and the gaps to the law.

    ``*_missing_cents``: value that would have to move from other purchases to
    quality (organic) ones, the total unchanged, to reach the threshold.
    """

    total_cents: int
    quality_cents: int
    organic_cents: int
    local_cents: int
    quality_pct: float
    organic_pct: float
    local_pct: float
    meets_quality: bool
    meets_organic: bool
    quality_missing_cents: int
    organic_missing_cents: int
    quality_target_pct: int = QUALITY_TARGET_PCT
    organic_target_pct: int = ORGANIC_TARGET_PCT

    @property
    def meets_egalim(self) -> bool:
        return self.meets_quality and self.meets_organic


def _pct(part: int, total: int) -> float:
    return round(100 * part / total, 1) if total else 0.0


def _missing(part: int, total: int, target_pct: int) -> int:
    return max(0, -(-target_pct * total // 100) - part)


def egalim_figures(lines: Iterable[PurchaseLine]) -> EgalimFigures:
    """Quality, organic and local shares of ``lines`` by value, against EGAlim's 50 % and 20 %.

    With no purchases every share is 0 and the thresholds count as not met.
    """
    lines = list(lines)
    total = sum(line.value_cents for line in lines)
    quality = sum(line.value_cents for line in lines if line.quality)
    organic = sum(line.value_cents for line in lines if line.organic)
    local = sum(line.value_cents for line in lines if line.local)
    return EgalimFigures(
        total_cents=total,
        quality_cents=quality,
        organic_cents=organic,
        local_cents=local,
        quality_pct=_pct(quality, total),
        organic_pct=_pct(organic, total),
        local_pct=_pct(local, total),
        meets_quality=total > 0 and 100 * quality >= QUALITY_TARGET_PCT * total,
        meets_organic=total > 0 and 100 * organic >= ORGANIC_TARGET_PCT * total,
        quality_missing_cents=_missing(quality, total, QUALITY_TARGET_PCT),
        organic_missing_cents=_missing(organic, total, ORGANIC_TARGET_PCT),
    )
