"""EGAlim shares by purchase value, on hand-checked examples."""

from __future__ import annotations

import pytest

from canteens.menu_planner.egalim import PurchaseLine, egalim_figures


def test_organic_conversion_and_labels_count_as_quality() -> None:
    figures = egalim_figures(
        [
            PurchaseLine(4000, organic_status="AB", local=True),
            PurchaseLine(1000, organic_status="C1"),
            PurchaseLine(2000, quality_label=True),
            PurchaseLine(3000, local=True),
        ]
    )
    assert figures.total_cents == 10_000
    assert (figures.quality_pct, figures.organic_pct, figures.local_pct) == (70.0, 50.0, 70.0)
    assert figures.meets_quality and figures.meets_organic and figures.meets_egalim
    assert figures.quality_missing_cents == figures.organic_missing_cents == 0


def test_a_canteen_below_the_thresholds_sees_how_much_is_missing() -> None:
    figures = egalim_figures(
        [
            PurchaseLine(1000, organic_status="C3"),
            PurchaseLine(500, quality_label=True),
            PurchaseLine(8500),
        ]
    )
    assert (figures.quality_pct, figures.organic_pct, figures.local_pct) == (15.0, 10.0, 0.0)
    assert not figures.meets_quality and not figures.meets_organic
    assert figures.quality_missing_cents == 3500
    assert figures.organic_missing_cents == 1000


def test_exactly_on_the_thresholds_meets_them() -> None:
    figures = egalim_figures(
        [PurchaseLine(200, "C2"), PurchaseLine(300, None, True), PurchaseLine(500)]
    )
    assert figures.meets_quality and figures.meets_organic


def test_no_purchases_give_zero_shares() -> None:
    figures = egalim_figures([])
    assert figures.quality_pct == figures.organic_pct == figures.local_pct == 0.0
    assert not figures.meets_egalim


def test_an_unknown_organic_status_is_refused() -> None:
    with pytest.raises(ValueError):
        PurchaseLine(100, organic_status="bio")
