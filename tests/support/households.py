"""Many households at once, for the race tests and the load benchmark."""

from __future__ import annotations

from sqlalchemy import insert, select

from paniers.accounts.models import Role, User
from paniers.extensions import db
from paniers.orders.catalogue import orderable_points
from paniers.types import utcnow


def add_households(count: int, prefix: str = "foyer") -> list[int]:
    """``count`` households with the demo password (its hash copied: no hashing cost)."""
    demo_hash = db.session.scalar(
        select(User.password_hash).where(User.email == "foyer@paniers.demo")
    )
    point_id = orderable_points()[0].id
    now = utcnow()
    emails = [f"{prefix}-{n}@paniers.demo" for n in range(count)]
    db.session.execute(insert(User), [
        {"email": email, "name": f"Foyer {n}", "password_hash": demo_hash,
         "role": Role.HOUSEHOLD, "locale": "fr", "point_id": point_id,
         "email_confirmed_dt": now}
        for n, email in enumerate(emails)
    ])
    db.session.commit()
    return list(db.session.scalars(
        select(User.id).where(User.email.in_(emails)).order_by(User.id)
    ))
