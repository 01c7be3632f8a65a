"""Canteens (school restaurants, elderly residences), their forecasts, dishes, plans and orders."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from paniers.extensions import db
from paniers.jobs.models import Job
from paniers.types import UTCDateTime, utcnow


class CanteenKind(StrEnum):
    NURSERY = "nursery"
    ELEMENTARY = "elementary"
    RESIDENCE = "residence"


class Canteen(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "canteens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(12))
    point_id: Mapped[int] = mapped_column(ForeignKey("pickup_points.id"))
    meals_per_day: Mapped[int] = mapped_column(Integer)
    service_days: Mapped[str] = mapped_column(String(20))  # ISO weekdays, "1,2,4,5"
    local_target_pct: Mapped[int] = mapped_column(Integer)
    budget_cents_per_meal: Mapped[int] = mapped_column(Integer)
    # A public buyer: its SIRET (14 digits, "" until known) and where invoices go.
    siret: Mapped[str] = mapped_column(String(14), default="", server_default="")
    billing_address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    point = relationship("PickupPoint")


class MealForecast(db.Model):  # type: ignore[name-defined,misc]
    """Meals expected on one service date, by age group (0 everywhere: no service that day)."""

    __tablename__ = "canteen_meal_forecasts"
    __table_args__ = (UniqueConstraint("canteen_id", "service_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    canteen_id: Mapped[int] = mapped_column(ForeignKey("canteens.id"))
    service_date: Mapped[date] = mapped_column(Date)
    nursery_meals: Mapped[int] = mapped_column(Integer, default=0)
    elementary_meals: Mapped[int] = mapped_column(Integer, default=0)
    adult_meals: Mapped[int] = mapped_column(Integer, default=0)


class BoughtInItem(db.Model):  # type: ignore[name-defined,misc]
    """Something the kitchen buys outside the farms of Paniers (fish, rice...), by the kg."""

    __tablename__ = "canteen_bought_in_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    category: Mapped[str] = mapped_column(String(20))
    price_cents: Mapped[int] = mapped_column(Integer)  # estimated, per kg
    origin: Mapped[str] = mapped_column(String(16))  # could_be_local / not_local
    months: Mapped[str] = mapped_column(String(40), default="1-12")
    note: Mapped[str] = mapped_column(String(200), default="")


class Dish(db.Model):  # type: ignore[name-defined,misc]
    """A dish of the shared catalogue; retired rather than deleted, so old plans still read."""

    __tablename__ = "canteen_dishes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    course: Mapped[str] = mapped_column(String(10))
    attributes: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    ingredients: Mapped[list[DishIngredient]] = relationship(
        back_populates="dish", order_by="DishIngredient.id", cascade="all, delete-orphan"
    )


class DishIngredient(db.Model):  # type: ignore[name-defined,misc]
    """Grams per child (nursery portion) of a farm product or of a bought-in item."""

    __tablename__ = "canteen_dish_ingredients"
    __table_args__ = (
        CheckConstraint("(product_id IS NULL) <> (item_id IS NULL)", name="product_or_item"),
        CheckConstraint("grams > 0", name="positive_grams"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dish_id: Mapped[int] = mapped_column(ForeignKey("canteen_dishes.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("canteen_bought_in_items.id"))
    grams: Mapped[int] = mapped_column(Integer)

    dish: Mapped[Dish] = relationship(back_populates="ingredients")
    product = relationship("Product")
    item: Mapped[BoughtInItem | None] = relationship()

    @property
    def name(self) -> str:
        named = self.product if self.product is not None else self.item
        return str(named.name) if named is not None else ""


class StoredPlan(db.Model):  # type: ignore[name-defined,misc]
    """A menu plan of a canteen as the planner (or the manager's edits) left it.

    ``request``: what was planned (dates, meal counts, budget, target, declared
    supply), kept to re-evaluate the plan after an edit. ``report``: the rules'
    counters, violations, shortfalls and what is bought elsewhere, as JSON.
    """

    __tablename__ = "canteen_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    canteen_id: Mapped[int] = mapped_column(ForeignKey("canteens.id"), index=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_date: Mapped[date] = mapped_column(Date)
    last_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))  # ok / relaxed / no_plan
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    local_share_pct: Mapped[float] = mapped_column(Float, default=0.0)
    purchase_value_cents: Mapped[int] = mapped_column(Integer, default=0)
    cost_per_meal_cents: Mapped[int] = mapped_column(Integer, default=0)
    edited: Mapped[bool] = mapped_column(Boolean, default=False)

    meals: Mapped[list[PlannedMeal]] = relationship(
        back_populates="plan", order_by="PlannedMeal.service_date", cascade="all, delete-orphan"
    )


class PlannedMeal(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "canteen_planned_meals"
    __table_args__ = (UniqueConstraint("plan_id", "service_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("canteen_plans.id"))
    service_date: Mapped[date] = mapped_column(Date)
    meal_count: Mapped[int] = mapped_column(Integer)  # nursery portions
    cost_cents: Mapped[int] = mapped_column(Integer)  # one child's meal
    vegetarian: Mapped[bool] = mapped_column(Boolean, default=False)

    plan: Mapped[StoredPlan] = relationship(back_populates="meals")
    dishes: Mapped[list[PlannedDish]] = relationship(
        back_populates="meal", order_by="PlannedDish.position", cascade="all, delete-orphan"
    )


class PlannedDish(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "canteen_planned_dishes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meal_id: Mapped[int] = mapped_column(ForeignKey("canteen_planned_meals.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # course order
    course: Mapped[str] = mapped_column(String(10))
    dish_id: Mapped[int] = mapped_column(ForeignKey("canteen_dishes.id"))

    meal: Mapped[PlannedMeal] = relationship(back_populates="dishes")
    dish: Mapped[Dish] = relationship()


class PlanJob(Job, db.Model):  # type: ignore[name-defined,misc]
    """Planning menus in the background, with its progress; ``params``: what to plan."""

    __tablename__ = "canteen_plan_jobs"

    canteen_id: Mapped[int] = mapped_column(ForeignKey("canteens.id"), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("canteen_plans.id"))


class WeekOrder(db.Model):  # type: ignore[name-defined,misc]
    """A planned week turned into an order in a cycle, and what is bought outside it."""

    __tablename__ = "canteen_week_orders"
    __table_args__ = (UniqueConstraint("canteen_id", "week_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    canteen_id: Mapped[int] = mapped_column(ForeignKey("canteens.id"))
    week_start: Mapped[date] = mapped_column(Date)  # the Monday
    plan_id: Mapped[int] = mapped_column(ForeignKey("canteen_plans.id"))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("order_cycles.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    outside: Mapped[list[OutsidePurchase]] = relationship(
        back_populates="week_order", order_by="OutsidePurchase.id", cascade="all, delete-orphan"
    )
    order = relationship("Order")
    cycle = relationship("OrderCycle")


class OutsidePurchase(db.Model):  # type: ignore[name-defined,misc]
    """Bought outside the circuit ("hors circuit"), at its estimated cost; never local.

    ``reason``: 'bought_in' (no farm of Paniers grows it), 'not_offered' (a farm
    product nobody declared this week) or 'short' (declared, but not enough left).
    """

    __tablename__ = "canteen_outside_purchases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week_order_id: Mapped[int] = mapped_column(ForeignKey("canteen_week_orders.id"), index=True)
    product: Mapped[str] = mapped_column(String(80))
    unit: Mapped[str] = mapped_column(String(10))
    quantity: Mapped[int] = mapped_column(Integer)  # base amount
    value_cents: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(12))

    week_order: Mapped[WeekOrder] = relationship(back_populates="outside")


class CanteenClosure(db.Model):  # type: ignore[name-defined,misc]
    """Days a manager closed the canteen (a strike, an outing, a bridge day), with why.

    Public and school holidays are not stored: the calendar knows them
    (:mod:`canteens.calendar`).
    """

    __tablename__ = "canteen_closures"
    __table_args__ = (CheckConstraint("last_day >= first_day", name="closure_in_order"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    canteen_id: Mapped[int] = mapped_column(ForeignKey("canteens.id"), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(120))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
