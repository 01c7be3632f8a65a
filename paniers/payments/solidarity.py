"""Solidarity baskets: how a basket's price splits between the household and the fund,
and taking the fund's money atomically, like stock.

The split is per basket (household share rounded half up, the fund pays the rest), so
that a line of ``n`` baskets, a refund of ``k`` of them and the Stripe line items all
add up to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select, update

from paniers.accounts.models import Role, User
from paniers.errors import NotFound, ServiceError
from paniers.extensions import db
from paniers.payments.models import SolidarityFund
from paniers.transaction import transaction

DEFAULT_HOUSEHOLD_PCT = 30


@dataclass(frozen=True)
class LinePrice:
    """One order line as the split sees it."""

    line_id: int | None
    is_basket: bool
    quantity: int
    unit_price_cents: int
    total_cents: int


def household_unit_cents(unit_price_cents: int, household_pct: int) -> int:
    """The household's share of one basket, rounded half up to the cent."""
    return (unit_price_cents * household_pct * 2 + 100) // 200


def fund_share_cents(line: LinePrice, household_pct: int | None) -> int:
    """What the fund pays for a line: nothing for produce or without solidarity."""
    if household_pct is None or not line.is_basket:
        return 0
    household = line.quantity * household_unit_cents(line.unit_price_cents, household_pct)
    return line.total_cents - household


def split_refund(refund_cents: int, line: LinePrice, household_pct: int | None) -> tuple[int, int]:
    """A line's refund split into (to the household, back to the fund), in proportion of
    who paid the line; the household's part rounds down so the fund never loses a cent."""
    fund = fund_share_cents(line, household_pct)
    if fund == 0 or line.total_cents == 0:
        return refund_cents, 0
    household_paid = line.total_cents - fund
    to_household = refund_cents * household_paid // line.total_cents
    return to_household, refund_cents - to_household


def fund_of(cycle_id: int) -> SolidarityFund | None:
    return db.session.scalar(select(SolidarityFund).where(SolidarityFund.cycle_id == cycle_id))


def take(cycle_id: int, cents: int) -> bool:
    """Take ``cents`` from the cycle's fund if it still has them (one conditional update)."""
    if cents <= 0:
        return True
    taken = db.session.execute(
        update(SolidarityFund)
        .where(SolidarityFund.cycle_id == cycle_id,
               SolidarityFund.used_cents + cents <= SolidarityFund.budget_cents)
        .values(used_cents=SolidarityFund.used_cents + cents)
        .execution_options(synchronize_session=False)
    )
    return taken.rowcount == 1  # type: ignore[attr-defined]


def give_back(cycle_id: int, cents: int) -> None:
    if cents > 0:
        db.session.execute(
            update(SolidarityFund).where(SolidarityFund.cycle_id == cycle_id)
            .values(used_cents=SolidarityFund.used_cents - cents)
            .execution_options(synchronize_session=False)
        )


@transaction()
def set_fund(cycle_id: int, budget_cents: int, household_pct: int) -> SolidarityFund:
    """The coordinator sets a cycle's solidarity budget (never below what is already used)."""
    if budget_cents < 0 or not 0 <= household_pct <= 100:
        raise ServiceError(_("Le budget et la part du foyer doivent être positifs."))
    fund = db.session.scalar(select(SolidarityFund).where(SolidarityFund.cycle_id == cycle_id)
                             .with_for_update())
    if fund is None:
        fund = SolidarityFund(cycle_id=cycle_id, used_cents=0)
        db.session.add(fund)
    if budget_cents < (fund.used_cents or 0):
        raise ServiceError(_("Le budget ne peut pas descendre sous ce qui est déjà engagé "
                             "(%(cents)d centimes).", cents=fund.used_cents))
    fund.budget_cents, fund.household_pct = budget_cents, household_pct
    return fund


def households() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == Role.HOUSEHOLD)
                                   .order_by(User.name)))


@transaction()
def set_eligible(user_id: int, eligible: bool) -> User:
    """The coordinator marks a household eligible for solidarity baskets, or not."""
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.HOUSEHOLD:
        raise NotFound(_("Ce foyer n'existe pas."))
    user.solidarity_eligible = eligible
    return user
