"""payments, refunds, the provider's events and the cycles' solidarity funds

Revision ID: 0003_payments
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import paniers.types

revision = "0003_payments"
down_revision = "0001"
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _fk(name: str, table: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer(), sa.ForeignKey(f"{table}.id"), nullable=nullable)


def _int(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=False)


def _text(name: str, length: int, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def upgrade() -> None:
    utc = paniers.types.UTCDateTime(timezone=True)
    op.create_table(
        "payments", _id(), _fk("order_id", "orders"), _fk("cycle_id", "order_cycles"),
        _text("method", 10), _text("status", 10), _int("amount_cents"),
        _int("solidarity_cents"), sa.Column("solidarity_pct", sa.Integer(), nullable=True),
        _int("charged_cents"), _int("refunded_cents"), _text("pickup_means", 10, True),
        _fk("recorded_by_id", "users", True), _text("stripe_session_id", 255, True),
        _text("stripe_payment_intent_id", 255, True), _text("checkout_url", 2000, True),
        _text("last_error", 255),
        sa.Column("expires_dt", utc, nullable=True),
        sa.Column("created_dt", utc, nullable=False),
        sa.Column("paid_dt", utc, nullable=True),
        sa.CheckConstraint("refunded_cents <= charged_cents",
                           name=op.f("ck_payments_refund_within_charge")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("order_id", name=op.f("uq_payments_order_id")),
        sa.UniqueConstraint("stripe_session_id", name=op.f("uq_payments_stripe_session_id")),
    )
    op.create_index(op.f("ix_payments_cycle_id"), "payments", ["cycle_id"])
    op.create_table(
        "refunds", _id(), _fk("payment_id", "payments"),
        _fk("order_line_id", "order_lines", True), _text("key", 80), _text("reason", 12),
        _text("via", 10), _text("status", 10), _int("amount_cents"), _int("solidarity_cents"),
        _text("stripe_refund_id", 255, True), _text("error", 255),
        sa.Column("created_dt", utc, nullable=False),
        sa.Column("done_dt", utc, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refunds")),
        sa.UniqueConstraint("key", name=op.f("uq_refunds_key")),
    )
    op.create_index(op.f("ix_refunds_payment_id"), "refunds", ["payment_id"])
    op.create_table(
        "provider_events", _id(), _text("event_id", 255), _text("type", 80),
        _text("object_id", 255), _fk("order_id", "orders", True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_dt", utc, nullable=False),
        sa.Column("processed_dt", utc, nullable=True),
        _text("outcome", 120),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_provider_events_event_id")),
    )
    op.create_index(op.f("ix_provider_events_order_id"), "provider_events", ["order_id"])
    op.create_table(
        "solidarity_funds", _id(), _fk("cycle_id", "order_cycles"), _int("budget_cents"),
        _int("used_cents"), _int("household_pct"),
        sa.CheckConstraint("used_cents >= 0 AND used_cents <= budget_cents",
                           name=op.f("ck_solidarity_funds_used_within_budget")),
        sa.CheckConstraint("household_pct >= 0 AND household_pct <= 100",
                           name=op.f("ck_solidarity_funds_household_pct_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_solidarity_funds")),
        sa.UniqueConstraint("cycle_id", name=op.f("uq_solidarity_funds_cycle_id")),
    )


def downgrade() -> None:
    for table in ("solidarity_funds", "provider_events", "refunds", "payments"):
        op.drop_table(table)
