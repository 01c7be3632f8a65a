"""invoices and credit notes (numbered per year, frozen content), the weekly news sheet

Revision ID: 0014_invoices
Revises: 0013_canteen_closures
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import paniers.types

revision = "0014_invoices"
down_revision = "0013_canteen_closures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invoice_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_invoice_counters")),
    )
    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("buyer_kind", sa.String(length=10), nullable=False),
        sa.Column("canteen_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("credited_invoice_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=40), nullable=True),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.Column("issued_dt", paniers.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["canteen_id"], ["canteens.id"],
                                name=op.f("fk_invoices_canteen_id_canteens")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_invoices_user_id_users")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"],
                                name=op.f("fk_invoices_order_id_orders")),
        sa.ForeignKeyConstraint(["credited_invoice_id"], ["invoices.id"],
                                name=op.f("fk_invoices_credited_invoice_id_invoices")),
        sa.ForeignKeyConstraint(["issued_by_id"], ["users.id"],
                                name=op.f("fk_invoices_issued_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("number", name=op.f("uq_invoices_number")),
        sa.UniqueConstraint("subject", name=op.f("uq_invoices_subject")),
        sa.UniqueConstraint("year", "sequence", name=op.f("uq_invoices_year")),
    )
    with op.batch_alter_table("invoices") as batch:
        batch.create_index("ix_invoices_canteen_id", ["canteen_id"])
        batch.create_index("ix_invoices_user_id", ["user_id"])
        batch.create_index("ix_invoices_order_id", ["order_id"])
    op.create_table(
        "news_sheets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_dt", paniers.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["cycle_id"], ["order_cycles.id"],
                                name=op.f("fk_news_sheets_cycle_id_order_cycles")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"],
                                name=op.f("fk_news_sheets_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_news_sheets")),
        sa.UniqueConstraint("cycle_id", name=op.f("uq_news_sheets_cycle_id")),
    )


def downgrade() -> None:
    op.drop_table("news_sheets")
    op.drop_table("invoices")
    op.drop_table("invoice_counters")
