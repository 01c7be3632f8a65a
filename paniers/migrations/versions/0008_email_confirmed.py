"""registration confirms by e-mail: when each account's address was confirmed

Accounts that exist already count as confirmed (since their creation).

Revision ID: 0008_email_confirmed
Revises: 0007_session_version
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import paniers.types

revision = "0008_email_confirmed"
down_revision = "0007_session_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email_confirmed_dt",
                                   paniers.types.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE users SET email_confirmed_dt = created_dt")


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email_confirmed_dt")
