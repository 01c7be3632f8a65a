"""the journal: who changed what in the network and the week, and when

Revision ID: 0009_journal
Revises: 0008_email_confirmed
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import paniers.types

revision = "0009_journal"
down_revision = "0008_email_confirmed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "journal_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_dt", paniers.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["cycle_id"], ["order_cycles.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("journal_entries") as batch:
        batch.create_index("ix_journal_entries_created_dt", ["created_dt"])
        batch.create_index("ix_journal_entries_actor_id", ["actor_id"])
        batch.create_index("ix_journal_entries_kind", ["kind"])
        batch.create_index("ix_journal_entries_cycle_id", ["cycle_id"])


def downgrade() -> None:
    op.drop_table("journal_entries")
