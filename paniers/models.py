"""Every model of the application, imported once so the mappers and Alembic see them all."""

from canteens.models import Canteen
from paniers.accounts.models import User
from paniers.cycles.models import BasketFormat, OrderCycle, ProductStock
from paniers.cycles.results import AllocationLine, BasketItem, CycleJob, Shortage
from paniers.delivery.models import Route, RouteStop, UnservedPoint, Vehicle
from paniers.orders.models import Order, OrderLine
from paniers.points.models import Hub, PickupPoint
from producers.models import Farm, Product, SupplyOffer

__all__ = [
    "AllocationLine", "BasketItem", "CycleJob", "Route", "RouteStop", "Shortage", "UnservedPoint",
    "BasketFormat", "Canteen", "Farm", "Hub", "Order", "OrderCycle", "OrderLine",
    "PickupPoint", "Product", "ProductStock", "SupplyOffer", "User", "Vehicle",
]
