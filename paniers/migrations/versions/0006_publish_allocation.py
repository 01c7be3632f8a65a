"""when a cycle's allocation was published to households

Revision ID: 0006_publish_allocation
Revises: 0002_allocation_routing
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import paniers.types

revision = "0006_publish_allocation"
down_revision = "0002_allocation_routing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("order_cycles") as batch:
        batch.add_column(sa.Column("published_dt", paniers.types.UTCDateTime(timezone=True),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("order_cycles") as batch:
        batch.drop_column("published_dt")
