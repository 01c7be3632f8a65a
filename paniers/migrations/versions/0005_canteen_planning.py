"""canteen meal forecasts, dish catalogue, menu plans, planning jobs and week orders

Revision ID: 0005_canteen_planning
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import paniers.types

revision = "0005_canteen_planning"
down_revision = "0001"
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _fk(name: str, table: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer(), sa.ForeignKey(f"{table}.id"), nullable=nullable)


def _int(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=False)


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _index(table: str, column: str) -> None:
    op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def upgrade() -> None:
    utc = paniers.types.UTCDateTime(timezone=True)
    op.create_table(
        "canteen_meal_forecasts", _id(), _fk("canteen_id", "canteens"),
        sa.Column("service_date", sa.Date(), nullable=False),
        _int("nursery_meals"), _int("elementary_meals"), _int("adult_meals"),
        _pk("canteen_meal_forecasts"),
        sa.UniqueConstraint("canteen_id", "service_date",
                            name=op.f("uq_canteen_meal_forecasts_canteen_id")),
    )
    op.create_table(
        "canteen_bought_in_items", _id(),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        _int("price_cents"),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("months", sa.String(length=40), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        _pk("canteen_bought_in_items"),
        sa.UniqueConstraint("name", name=op.f("uq_canteen_bought_in_items_name")),
    )
    op.create_table(
        "canteen_dishes", _id(),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("course", sa.String(length=10), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _pk("canteen_dishes"),
        sa.UniqueConstraint("code", name=op.f("uq_canteen_dishes_code")),
    )
    op.create_table(
        "canteen_dish_ingredients", _id(), _fk("dish_id", "canteen_dishes"),
        _fk("product_id", "products", True), _fk("item_id", "canteen_bought_in_items", True),
        _int("grams"),
        sa.CheckConstraint("(product_id IS NULL) <> (item_id IS NULL)",
                           name=op.f("ck_canteen_dish_ingredients_product_or_item")),
        sa.CheckConstraint("grams > 0", name=op.f("ck_canteen_dish_ingredients_positive_grams")),
        _pk("canteen_dish_ingredients"),
    )
    _index("canteen_dish_ingredients", "dish_id")
    op.create_table(
        "canteen_plans", _id(), _fk("canteen_id", "canteens"),
        sa.Column("created_dt", utc, nullable=False),
        sa.Column("first_date", sa.Date(), nullable=False),
        sa.Column("last_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("local_share_pct", sa.Float(), nullable=False),
        _int("purchase_value_cents"), _int("cost_per_meal_cents"),
        sa.Column("edited", sa.Boolean(), nullable=False),
        _pk("canteen_plans"),
    )
    _index("canteen_plans", "canteen_id")
    op.create_table(
        "canteen_planned_meals", _id(), _fk("plan_id", "canteen_plans"),
        sa.Column("service_date", sa.Date(), nullable=False),
        _int("meal_count"), _int("cost_cents"),
        sa.Column("vegetarian", sa.Boolean(), nullable=False),
        _pk("canteen_planned_meals"),
        sa.UniqueConstraint("plan_id", "service_date",
                            name=op.f("uq_canteen_planned_meals_plan_id")),
    )
    op.create_table(
        "canteen_planned_dishes", _id(), _fk("meal_id", "canteen_planned_meals"),
        _int("position"),
        sa.Column("course", sa.String(length=10), nullable=False),
        _fk("dish_id", "canteen_dishes"),
        _pk("canteen_planned_dishes"),
    )
    _index("canteen_planned_dishes", "meal_id")
    op.create_table(
        "canteen_plan_jobs", _id(), _fk("canteen_id", "canteens"),
        sa.Column("status", sa.String(length=10), nullable=False),
        _int("progress_pct"),
        sa.Column("step", sa.String(length=120), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        _fk("plan_id", "canteen_plans", True),
        sa.Column("created_dt", utc, nullable=False),
        sa.Column("finished_dt", utc, nullable=True),
        _pk("canteen_plan_jobs"),
    )
    _index("canteen_plan_jobs", "canteen_id")
    op.create_table(
        "canteen_week_orders", _id(), _fk("canteen_id", "canteens"),
        sa.Column("week_start", sa.Date(), nullable=False),
        _fk("plan_id", "canteen_plans"), _fk("cycle_id", "order_cycles"),
        _fk("order_id", "orders", True),
        sa.Column("created_dt", utc, nullable=False),
        _pk("canteen_week_orders"),
        sa.UniqueConstraint("canteen_id", "week_start",
                            name=op.f("uq_canteen_week_orders_canteen_id")),
    )
    op.create_table(
        "canteen_outside_purchases", _id(), _fk("week_order_id", "canteen_week_orders"),
        sa.Column("product", sa.String(length=80), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        _int("quantity"), _int("value_cents"),
        sa.Column("reason", sa.String(length=12), nullable=False),
        _pk("canteen_outside_purchases"),
    )
    _index("canteen_outside_purchases", "week_order_id")


def downgrade() -> None:
    for table, column in (("canteen_outside_purchases", "week_order_id"),
                          ("canteen_plan_jobs", "canteen_id"),
                          ("canteen_planned_dishes", "meal_id"),
                          ("canteen_plans", "canteen_id"),
                          ("canteen_dish_ingredients", "dish_id")):
        op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
    for table in ("canteen_outside_purchases", "canteen_week_orders", "canteen_plan_jobs",
                  "canteen_planned_dishes", "canteen_planned_meals", "canteen_plans",
                  "canteen_dish_ingredients", "canteen_dishes", "canteen_bought_in_items",
                  "canteen_meal_forecasts"):
        op.drop_table(table)
