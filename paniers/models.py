"""Every model of the application, imported once so the mappers and Alembic see them all."""

from canteens.models import Canteen
from paniers.accounts.models import User
from paniers.cycles.models import BasketFormat, OrderCycle, ProductStock
from paniers.delivery.models import Vehicle
from paniers.orders.models import Order, OrderLine
from paniers.points.models import Hub, PickupPoint
from producers.models import Farm, Product, SupplyOffer

__all__ = [
    "BasketFormat", "Canteen", "Farm", "Hub", "Order", "OrderCycle", "OrderLine",
    "PickupPoint", "Product", "ProductStock", "SupplyOffer", "User", "Vehicle",
]
