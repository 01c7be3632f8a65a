"""Canteens: their meal forecasts and the dish catalogue the planner draws from.

Meal counts reach the planner as *portions*: dishes list grams for a nursery
child, and older eaters get bigger portions (``PORTION_TENTHS``), so a forecast
of 100 nursery and 50 elementary meals is 165 nursery portions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from canteens import calendar, closures
from canteens.menu_planner import catalogue as cat
from canteens.models import (
    BoughtInItem,
    Canteen,
    CanteenKind,
    Dish,
    DishIngredient,
    MealForecast,
)
from paniers.accounts.models import User
from paniers.errors import Forbidden, NotFound, ServiceError
from paniers.extensions import db
from paniers.formatting import long_date
from paniers.transaction import transaction
from producers.models import Product, parse_months

#: Portion size against a nursery child's, in tenths: an approximation of the
#: school-meal portion grid, where an elementary child eats about a third more.
PORTION_TENTHS = {"nursery": 10, "elementary": 13, "adult": 15}
MAX_MEALS_PER_DAY = 2000


@dataclass(frozen=True)
class DayForecast:
    day: date
    nursery: int
    elementary: int
    adult: int
    closed: str = ""  # why no meal is served that day (a holiday, a closure), else ""

    @property
    def meals(self) -> int:
        return self.nursery + self.elementary + self.adult

    @property
    def portions(self) -> int:
        tenths = (PORTION_TENTHS["nursery"] * self.nursery
                  + PORTION_TENTHS["elementary"] * self.elementary
                  + PORTION_TENTHS["adult"] * self.adult)
        return -(-tenths // 10)


def canteen_of(user: User) -> Canteen:
    canteen = db.session.get(Canteen, user.canteen_id or 0)
    if canteen is None:
        raise Forbidden(_("Votre compte n'est rattaché à aucune cantine."))
    return canteen


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def meals_monday(delivery_date: date) -> date:
    """The Monday of the week whose meals a cycle delivered on ``delivery_date`` feeds: the
    canteens' produce arrives before the meals (:func:`canteens.calendar.week_fed_by`)."""
    return calendar.week_fed_by(delivery_date)[0]


def delivery_note(canteen: Canteen, delivery_date: date) -> str:
    """« Livraison du vendredi 4 décembre 2026 : repas du 7 au 11 décembre »."""
    monday, _sunday = calendar.week_fed_by(delivery_date)
    days = [monday + timedelta(days=d) for d in service_weekdays(canteen)] or [monday]
    return _("Livraison du %(delivery)s : repas du %(first)s au %(last)s",
             delivery=long_date(delivery_date), first=format_date(days[0], "d MMMM"),
             last=format_date(days[-1], "d MMMM"))


def service_weekdays(canteen: Canteen) -> tuple[int, ...]:
    """Service days as Python weekdays (0 = Monday) from the stored ISO days ("1,2,4,5")."""
    return tuple(sorted(int(d) - 1 for d in canteen.service_days.split(",") if d.strip()))


def default_forecast(canteen: Canteen, day: date) -> DayForecast:
    meals = canteen.meals_per_day
    if canteen.kind == CanteenKind.RESIDENCE:
        return DayForecast(day, 0, 0, meals)
    if canteen.kind == CanteenKind.ELEMENTARY:
        return DayForecast(day, 0, meals, 0)
    return DayForecast(day, meals, 0, 0)


def forecasts(canteen: Canteen, days: Sequence[date]) -> dict[date, DayForecast]:
    """The forecast of each day: what the manager entered, else the canteen's usual count;
    0 meals, with why, on a holiday or a closed day (:mod:`canteens.closures`)."""
    if not days:
        return {}
    off = closures.days_off(canteen, days)
    stored = {f.service_date: f for f in db.session.scalars(select(MealForecast).where(
        MealForecast.canteen_id == canteen.id, MealForecast.service_date.in_(list(days))))}
    found = {}
    for day in days:
        row = stored.get(day)
        if day in off:
            found[day] = DayForecast(day, 0, 0, 0, closures.reason_of(off[day]))
            continue
        found[day] = (DayForecast(day, row.nursery_meals, row.elementary_meals, row.adult_meals)
                      if row is not None else default_forecast(canteen, day))
    return found


def week_forecast(canteen: Canteen, monday: date) -> list[DayForecast]:
    days = [monday + timedelta(days=d) for d in service_weekdays(canteen)]
    return list(forecasts(canteen, days).values())


@transaction()
def save_week_forecast(canteen: Canteen, monday: date, days: Iterable[DayForecast]) -> None:
    """Store the forecast of a week's service days (0 meals: no service that day)."""
    allowed = {monday + timedelta(days=d) for d in service_weekdays(canteen)}
    days = list(days)
    off = closures.days_off(canteen, allowed)
    for day in days:
        if day.day not in allowed:
            raise ServiceError(_("Ce jour n'est pas un jour de service de la cantine."))
        if day.day in off and day.meals:
            raise ServiceError(_("Pas de repas le %(date)s : %(reason)s.", date=long_date(day.day),
                                 reason=closures.reason_of(off[day.day])))
        if min(day.nursery, day.elementary, day.adult) < 0 or day.meals > MAX_MEALS_PER_DAY:
            raise ServiceError(_("Les nombres de repas doivent être positifs et réalistes."))
    stored = {f.service_date: f for f in db.session.scalars(select(MealForecast).where(
        MealForecast.canteen_id == canteen.id, MealForecast.service_date.in_(list(allowed))))}
    for day in days:
        row = stored.get(day.day) or MealForecast(canteen_id=canteen.id, service_date=day.day)
        row.nursery_meals, row.elementary_meals, row.adult_meals = (
            day.nursery, day.elementary, day.adult)
        db.session.add(row)


def service_days_from(canteen: Canteen, first_day: date, *, meals: int | None = None,
                      weeks: int | None = None) -> list[DayForecast]:
    """The next ``meals`` served days (or those of ``weeks`` weeks) from ``first_day`` on.

    A service day forecast at 0 meals is skipped: a holiday, a closed day, or a day
    the manager set to 0.
    """
    weekdays = service_weekdays(canteen)
    if not weekdays or (meals is None) == (weeks is None):
        raise ServiceError(_("Choisissez un nombre de repas ou de semaines."))
    end = (monday_of(first_day) + timedelta(weeks=weeks) if weeks
           else first_day + timedelta(weeks=(meals or 0) // len(weekdays) + 3))
    candidates = [first_day + timedelta(days=n) for n in range((end - first_day).days)]
    counted = forecasts(canteen, [d for d in candidates if d.weekday() in weekdays])
    served = [f for f in counted.values() if f.meals > 0]
    return served[:meals] if meals else served


# The dish catalogue ----------------------------------------------------------------------


def seed_dish_catalogue() -> None:
    """Load the demo dishes and bought-in items where missing (a manager's edits are kept)."""
    dishes, items = cat.load_dishes()
    known = {i.name: i for i in db.session.scalars(select(BoughtInItem))}
    for plain in items.values():
        if plain.name not in known:
            known[plain.name] = BoughtInItem(
                name=plain.name, category=plain.category, price_cents=plain.price_cents,
                origin=plain.origin, months=_months_text(plain.months), note=plain.note)
            db.session.add(known[plain.name])
    db.session.flush()
    products = {p.name: p for p in db.session.scalars(select(Product))}
    existing = set(db.session.scalars(select(Dish.code)))
    for dish in dishes:
        if dish.id in existing:
            continue
        row = Dish(code=dish.id, name=dish.name, course=dish.course,
                   attributes=sorted(dish.attributes), active=True)
        for ingredient in dish.ingredients:
            farm, item = products.get(ingredient.product), known.get(ingredient.product)
            row.ingredients.append(DishIngredient(
                product_id=farm.id if farm else None,
                item_id=item.id if item and not farm else None, grams=ingredient.grams))
        db.session.add(row)
    db.session.flush()


def ensure_dish_catalogue() -> None:
    """Seed the demo dishes into a database migrated after its demo was loaded."""
    if db.session.scalar(select(Dish.id).limit(1)) is None:
        with transaction():
            seed_dish_catalogue()


def _months_text(months: frozenset[int]) -> str:
    return "1-12" if len(months) == 12 else ";".join(str(m) for m in sorted(months))


def _farm_product(product: Product) -> cat.Product:
    return cat.Product(
        name=product.name, category=product.category, unit=product.unit,
        unit_weight_g=product.unit_weight_g, price_cents=product.reference_price_cents,
        months=parse_months(product.months), origin="local")


def _bought_in(item: BoughtInItem) -> cat.Product:
    return cat.Product(
        name=item.name, category=item.category, unit="kg", unit_weight_g=1000,
        price_cents=item.price_cents, months=parse_months(item.months), origin=item.origin,
        note=item.note)


def plain_dish(dish: Dish) -> cat.Dish:
    return cat.Dish(
        id=dish.code, name=dish.name, course=dish.course,
        ingredients=tuple(cat.Ingredient(i.name, i.grams) for i in dish.ingredients),
        attributes=frozenset(dish.attributes))


def products_catalogue() -> dict[str, cat.Product]:
    """The farms' products (at their reference price) and the bought-in items, by name."""
    products = {p.name: _farm_product(p) for p in db.session.scalars(select(Product))}
    for item in db.session.scalars(select(BoughtInItem)):
        products.setdefault(item.name, _bought_in(item))
    return products


def stored_catalogue(*, with_retired: bool = False) -> cat.Catalogue:
    """The catalogue the planner reads: active dishes (every dish, to re-read old plans)."""
    query = select(Dish).order_by(Dish.course, Dish.name)
    if not with_retired:
        query = query.where(Dish.active.is_(True))
    dishes = tuple(plain_dish(d) for d in db.session.scalars(query))
    return cat.Catalogue(dishes, products_catalogue())


def dishes_by_course() -> dict[str, list[Dish]]:
    found: dict[str, list[Dish]] = {course: [] for course in cat.COURSES}
    for dish in db.session.scalars(select(Dish).order_by(Dish.name)):
        found[dish.course].append(dish)
    return found


def dishes_in_season(month: int) -> dict[str, list[Dish]]:
    """Active dishes whose ingredients are all in season in ``month``, by course."""
    products = products_catalogue()
    found: dict[str, list[Dish]] = {course: [] for course in cat.COURSES}
    for dish in db.session.scalars(select(Dish).where(Dish.active.is_(True))
                                   .order_by(Dish.name)):
        if all(products[i.name].in_season(month) for i in dish.ingredients):
            found[dish.course].append(dish)
    return found


def get_dish(dish_id: int) -> Dish:
    dish = db.session.get(Dish, dish_id)
    if dish is None:
        raise NotFound(_("Ce plat n'existe pas."))
    return dish


@dataclass(frozen=True)
class DishSpec:
    """A dish as the manager typed it: ingredients as (catalogue name, grams per child)."""

    name: str
    course: str
    attributes: frozenset[str]
    ingredients: tuple[tuple[str, int], ...]
    active: bool = True


@transaction()
def save_dish(spec: DishSpec, dish_id: int | None = None) -> Dish:
    """Create or change a dish; a dish the planner could not use is refused with the reason."""
    products = {p.name: p for p in db.session.scalars(select(Product))}
    items = {i.name: i for i in db.session.scalars(select(BoughtInItem))}
    if not spec.name.strip():
        raise ServiceError(_("Donnez un nom au plat."))
    if not spec.ingredients:
        raise ServiceError(_("Un plat a au moins un ingrédient."))
    if any(grams <= 0 or grams > 1000 for _n, grams in spec.ingredients):
        raise ServiceError(_("Les grammages vont de 1 à 1000 g par enfant."))
    if len({n for n, _g in spec.ingredients}) != len(spec.ingredients):
        raise ServiceError(_("Chaque ingrédient ne figure qu'une fois."))
    if any(n not in products and n not in items for n, _g in spec.ingredients):
        raise ServiceError(_("Ingrédient inconnu."))
    meat_or_fish = {n for n, _g in spec.ingredients
                    if (products[n].category if n in products else items[n].category)
                    in ("meat", "fish")}
    if "vegetarian" in spec.attributes and meat_or_fish:
        raise ServiceError(_("Un plat végétarien ne contient ni viande ni poisson (%(names)s).",
                             names=", ".join(sorted(meat_or_fish))))
    if spec.course not in cat.COURSES or not spec.attributes <= cat.ATTRIBUTES:
        raise ServiceError(_("Composante ou caractéristique inconnue."))
    dish = get_dish(dish_id) if dish_id is not None else Dish(code=_new_code(spec.name))
    dish.name, dish.course = spec.name.strip(), spec.course
    dish.attributes, dish.active = sorted(spec.attributes), spec.active
    dish.ingredients.clear()
    for name, grams in spec.ingredients:
        dish.ingredients.append(DishIngredient(
            product_id=products[name].id if name in products else None,
            item_id=items[name].id if name not in products else None, grams=grams))
    db.session.add(dish)
    return dish


def _new_code(name: str) -> str:
    base = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")[:40] or "plat"
    code, n = base, 1
    while db.session.scalar(select(Dish.id).where(Dish.code == code)) is not None:
        n += 1
        code = f"{base}-{n}"
    return code


def ingredient_names() -> list[tuple[str, bool]]:
    """Every name a dish can use, with whether a farm of Paniers supplies it."""
    farm = sorted(p.name for p in db.session.scalars(select(Product)))
    bought = sorted(i.name for i in db.session.scalars(select(BoughtInItem)))
    return [(n, True) for n in farm] + [(n, False) for n in bought]
