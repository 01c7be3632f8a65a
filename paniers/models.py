"""Every model of the application, imported once so the mappers and Alembic see them all."""

from canteens.models import (
    BoughtInItem,
    Canteen,
    Dish,
    DishIngredient,
    MealForecast,
    OutsidePurchase,
    PlanJob,
    PlannedDish,
    PlannedMeal,
    StoredPlan,
    WeekOrder,
)
from paniers.accounts.models import Invitation, Membership, User
from paniers.allocation.models import AllocationLine, BasketItem, Shortage
from paniers.cycles.models import BasketFormat, OrderCycle, ProductStock
from paniers.delivery.models import Route, RouteStop, UnservedPoint, Vehicle
from paniers.invoices.models import Invoice, InvoiceCounter
from paniers.jobs.models import CycleJob
from paniers.journal.models import JournalEntry
from paniers.news.models import NewsSheet
from paniers.notifications.models import NotificationPreference, OutboundMessage
from paniers.orders.models import Order, OrderLine
from paniers.partners.models import PartnerToken
from paniers.payments.models import Payment, ProviderEvent, Refund, SolidarityFund
from paniers.points.models import Hub, PickupEvening, PickupPoint
from paniers.subscriptions.models import (
    Subscription,
    SubscriptionExtra,
    SubscriptionPause,
    SubscriptionRun,
)
from producers.models import Farm, Product, SupplyOffer

__all__ = [
    "BoughtInItem", "Dish", "DishIngredient", "MealForecast", "OutsidePurchase", "PlanJob",
    "PlannedDish", "PlannedMeal", "StoredPlan", "WeekOrder",
    "AllocationLine", "BasketItem", "CycleJob", "Route", "RouteStop", "Shortage", "UnservedPoint",
    "JournalEntry",
    "Invoice", "InvoiceCounter", "NewsSheet",
    "BasketFormat", "Canteen", "Farm", "Hub", "Order", "OrderCycle", "OrderLine",
    "PickupPoint", "Product", "ProductStock", "SupplyOffer", "User", "Vehicle",
    "NotificationPreference", "OutboundMessage", "PickupEvening", "Subscription",
    "SubscriptionExtra", "SubscriptionPause", "SubscriptionRun", "Invitation", "Membership",
    "Payment", "ProviderEvent", "Refund", "SolidarityFund", "PartnerToken",
]
