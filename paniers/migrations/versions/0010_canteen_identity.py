"""canteens as public buyers: their SIRET and billing address

Revision ID: 0010_canteen_identity
Revises: 0009_journal
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_canteen_identity"
down_revision = "0009_journal"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("canteens") as batch:
        batch.add_column(sa.Column("siret", sa.String(length=14), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("billing_address", sa.String(length=300), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("canteens") as batch:
        batch.drop_column("billing_address")
        batch.drop_column("siret")
