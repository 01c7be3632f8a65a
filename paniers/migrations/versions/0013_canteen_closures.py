"""canteens' closure days (strike, outing, bridge day), with their reason

Revision ID: 0013_canteen_closures
Revises: 0012_network_details
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import paniers.types

revision = "0013_canteen_closures"
down_revision = "0012_network_details"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "canteen_closures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("canteen_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=120), nullable=False),
        sa.Column("created_dt", paniers.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["canteen_id"], ["canteens.id"],
                                name=op.f("fk_canteen_closures_canteen_id_canteens")),
        sa.CheckConstraint("last_day >= first_day",
                           name=op.f("ck_canteen_closures_closure_in_order")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canteen_closures")),
    )
    op.create_index(op.f("ix_canteen_closures_canteen_id"), "canteen_closures", ["canteen_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_canteen_closures_canteen_id"), table_name="canteen_closures")
    op.drop_table("canteen_closures")
