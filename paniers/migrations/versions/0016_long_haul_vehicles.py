"""vehicles kept for the long-haul run (Lille, Dunkerque)

Revision ID: 0016_long_haul_vehicles
Revises: 0015_partner_tokens
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_long_haul_vehicles"
down_revision = "0015_partner_tokens"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("vehicles") as batch:
        batch.add_column(sa.Column("long_haul", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("vehicles") as batch:
        batch.drop_column("long_haul")
