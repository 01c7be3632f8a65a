"""subscriptions, notification preferences and outbox, pickup evenings

Revision ID: 0004_subscriptions
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import paniers.types

revision = "0004_subscriptions"
down_revision = "0001"
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _fk(name: str, table: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer(), sa.ForeignKey(f"{table}.id"), nullable=nullable)


def upgrade() -> None:
    utc = paniers.types.UTCDateTime(timezone=True)
    op.create_table(
        "subscriptions", _id(), _fk("user_id", "users"), _fk("point_id", "pickup_points"),
        sa.Column("format_code", sa.String(length=10), nullable=False),
        sa.Column("frequency", sa.String(length=12), nullable=False),
        sa.Column("anchor_week", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_dt", utc, nullable=False),
        sa.Column("stopped_dt", utc, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
    )
    op.create_index(op.f("ix_subscriptions_user_id"), "subscriptions", ["user_id"])
    op.create_table(
        "subscription_extras", _id(), _fk("subscription_id", "subscriptions"),
        _fk("product_id", "products"),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0",
                           name=op.f("ck_subscription_extras_positive_quantity")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription_extras")),
        sa.UniqueConstraint("subscription_id", "product_id",
                            name=op.f("uq_subscription_extras_subscription_id")),
    )
    op.create_table(
        "subscription_pauses", _id(), _fk("subscription_id", "subscriptions"),
        sa.Column("week", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription_pauses")),
        sa.UniqueConstraint("subscription_id", "week",
                            name=op.f("uq_subscription_pauses_subscription_id")),
    )
    op.create_table(
        "subscription_runs", _id(), _fk("subscription_id", "subscriptions"),
        _fk("cycle_id", "order_cycles"), _fk("order_id", "orders", True),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("note", sa.String(length=255), nullable=False),
        sa.Column("created_dt", utc, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription_runs")),
        sa.UniqueConstraint("subscription_id", "cycle_id",
                            name=op.f("uq_subscription_runs_subscription_id")),
    )
    op.create_index(op.f("ix_subscription_runs_cycle_id"), "subscription_runs", ["cycle_id"])
    op.create_table(
        "notification_preferences", _id(), _fk("user_id", "users"),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_preferences")),
        sa.UniqueConstraint("user_id", "kind",
                            name=op.f("uq_notification_preferences_user_id")),
    )
    op.create_table(
        "outbound_messages", _id(),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        _fk("user_id", "users"), _fk("order_id", "orders", True),
        _fk("cycle_id", "order_cycles", True),
        sa.Column("amount_cents", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_dt", utc, nullable=False),
        sa.Column("sent_dt", utc, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_messages")),
        sa.UniqueConstraint("key", name=op.f("uq_outbound_messages_key")),
    )
    op.create_index(op.f("ix_outbound_messages_user_id"), "outbound_messages", ["user_id"])
    op.create_table(
        "pickup_evenings", _id(), _fk("point_id", "pickup_points"),
        _fk("cycle_id", "order_cycles"), _fk("closed_by_id", "users", True),
        sa.Column("closed_dt", utc, nullable=False),
        sa.Column("collected", sa.Integer(), nullable=False),
        sa.Column("unclaimed", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pickup_evenings")),
        sa.UniqueConstraint("point_id", "cycle_id", name=op.f("uq_pickup_evenings_point_id")),
    )


def downgrade() -> None:
    for table in ("pickup_evenings", "outbound_messages", "notification_preferences",
                  "subscription_runs", "subscription_pauses", "subscription_extras",
                  "subscriptions"):
        op.drop_table(table)
