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

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)
