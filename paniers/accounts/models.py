"""Accounts and roles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from paniers.extensions import db
from paniers.types import UTCDateTime, utcnow


class Role(StrEnum):
    HOUSEHOLD = "household"
    FARMER = "farmer"
    CANTEEN_MANAGER = "canteen_manager"
    RELAY_HOST = "relay_host"
    COORDINATOR = "coordinator"


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.HOUSEHOLD)
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    phone: Mapped[str | None] = mapped_column(String(30))
    # The farm a farmer declares for, the canteen a manager runs, the point a
    # host keeps (or a household's usual point).
    farm_id: Mapped[int | None] = mapped_column(ForeignKey("farms.id"))
    canteen_id: Mapped[int | None] = mapped_column(ForeignKey("canteens.id"))
    point_id: Mapped[int | None] = mapped_column(ForeignKey("pickup_points.id"))
    solidarity_eligible: Mapped[bool] = mapped_column(Boolean, default=False)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Part of the id kept in the session cookie: bumping it (logout, a new password)
    # makes every cookie issued before, wherever it was copied, log no one in.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # When the owner followed the link sent at registration; None until then, and an
    # unconfirmed account cannot log in. Accounts made otherwise (seed, demo) set it.
    email_confirmed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by a coordinator: the account can no longer log in; its history stays.
    deactivated_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_active(self) -> bool:
        return self.deactivated_dt is None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class Membership(db.Model):  # type: ignore[name-defined,misc]
    """A role a person holds, tied to its farm, point or canteen. ``User.role`` (and its
    farm, point, canteen ids) is the one they act in now; a removed role is kept,
    inactive, for the history."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    farm_id: Mapped[int | None] = mapped_column(ForeignKey("farms.id"))
    point_id: Mapped[int | None] = mapped_column(ForeignKey("pickup_points.id"))
    canteen_id: Mapped[int | None] = mapped_column(ForeignKey("canteens.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def ties(self) -> tuple[str, int | None, int | None, int | None]:
        return (self.role, self.farm_id, self.point_id, self.canteen_id)


class Invitation(db.Model):  # type: ignore[name-defined,misc]
    """An invitation by e-mail to take a role. Its link names it and its ``nonce``; it
    works once (``accepted_dt``), until ``expires_dt``, unless revoked; a resend gives a
    new nonce, so only the last link sent works."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(20))
    farm_id: Mapped[int | None] = mapped_column(ForeignKey("farms.id"))
    point_id: Mapped[int | None] = mapped_column(ForeignKey("pickup_points.id"))
    canteen_id: Mapped[int | None] = mapped_column(ForeignKey("canteens.id"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    nonce: Mapped[str] = mapped_column(String(32))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def pending(self, now: datetime) -> bool:
        return self.accepted_dt is None and self.revoked_dt is None and self.expires_dt > now
