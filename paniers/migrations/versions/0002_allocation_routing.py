"""allocation results, background jobs and delivery rounds

Revision ID: 0002_allocation_routing
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import paniers.types

revision = "0002_allocation_routing"
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
        "basket_items", _id(), _fk("cycle_id", "order_cycles"),
        _fk("basket_format_id", "basket_formats"), _fk("product_id", "products"),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("value_cents", sa.Integer(), nullable=False),
        sa.Column("weight_g", sa.Integer(), nullable=False),
        sa.Column("fixed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_basket_items")),
    )
    op.create_table(
        "allocation_lines", _id(), _fk("cycle_id", "order_cycles"),
        _fk("offer_id", "supply_offers"), _fk("order_line_id", "order_lines", True),
        _fk("basket_format_id", "basket_formats", True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_lines")),
    )
    op.create_table(
        "shortages", _id(), _fk("cycle_id", "order_cycles"), _fk("order_line_id", "order_lines"),
        sa.Column("ordered", sa.Integer(), nullable=False),
        sa.Column("served", sa.Integer(), nullable=False),
        sa.Column("refund_cents", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shortages")),
        sa.UniqueConstraint("order_line_id", name=op.f("uq_shortages_order_line_id")),
    )
    op.create_table(
        "cycle_jobs", _id(), _fk("cycle_id", "order_cycles"),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("progress_pct", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=120), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("created_dt", utc, nullable=False),
        sa.Column("finished_dt", utc, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cycle_jobs")),
    )
    op.create_table(
        "routes", _id(), _fk("cycle_id", "order_cycles"), _fk("vehicle_id", "vehicles"),
        sa.Column("departs_dt", utc, nullable=False),
        sa.Column("returns_dt", utc, nullable=False),
        sa.Column("distance_m", sa.Integer(), nullable=False),
        sa.Column("cost_cents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routes")),
    )
    op.create_table(
        "route_stops", _id(), _fk("route_id", "routes"),
        sa.Column("sequence", sa.Integer(), nullable=False),
        _fk("point_id", "pickup_points"),
        sa.Column("arrives_dt", utc, nullable=False),
        sa.Column("starts_dt", utc, nullable=False),
        sa.Column("departs_dt", utc, nullable=False),
        sa.Column("weight_g", sa.Integer(), nullable=False),
        sa.Column("crates", sa.Integer(), nullable=False),
        sa.Column("load_after_kg", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_route_stops")),
    )
    op.create_table(
        "unserved_points", _id(), _fk("cycle_id", "order_cycles"),
        _fk("point_id", "pickup_points"),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("weight_g", sa.Integer(), nullable=False),
        sa.Column("crates", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unserved_points")),
    )
    for table, column in [
        ("basket_items", "cycle_id"), ("allocation_lines", "cycle_id"), ("shortages", "cycle_id"),
        ("cycle_jobs", "cycle_id"), ("routes", "cycle_id"), ("route_stops", "route_id"),
        ("unserved_points", "cycle_id"),
    ]:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def downgrade() -> None:
    for table in ("unserved_points", "route_stops", "routes", "cycle_jobs", "shortages",
                  "allocation_lines", "basket_items"):
        op.drop_table(table)
