"""A partner's access token: only its hash is kept; the token itself is shown once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from paniers.extensions import db
from paniers.types import UTCDateTime, utcnow


class PartnerToken(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "partner_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner: Mapped[str] = mapped_column(String(120))  # who holds it, as the coordinator says
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256, hex
    hint: Mapped[str] = mapped_column(String(8))  # its first characters, to recognise it
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_used_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Never deleted (the journal names it): a revoked token is kept, refused.
    revoked_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def active(self) -> bool:
        return self.revoked_dt is None
