"""The canteen manager's pages: forecast, menus, a meal, the week's order, dishes, figures;
ordering produce by weight; and the canteens' expected demand for the farmers."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as BaseResponse

from canteens import calendar, causes, closures, macantine, menus, ordering, services
from canteens import figures as egalim
from canteens.forms import (
    ClosureForm,
    DishForm,
    ForecastForm,
    MealForm,
    PlanForm,
    SiretForm,
    iso_day,
)
from canteens.labels import (
    ATTRIBUTE_LABELS,
    COURSE_LABELS,
    OUTSIDE_LABELS,
    RULE_LABELS,
    outside_reason,
    percent,
)
from canteens.menu_planner.catalogue import ATTRIBUTES, COURSES
from canteens.models import Canteen
from paniers.accounts.access import role_required
from paniers.accounts.models import Role
from paniers.cycles.services import current_cycle
from paniers.cycles.states import CycleStatus
from paniers.errors import NotFound, ServiceError
from paniers.formids import as_id
from paniers.orders import services as orders
from paniers.orders.catalogue import catalogue
from paniers.orders.forms import CanteenOrderForm
from paniers.orders.models import OrderSource
from paniers.reports.render import download

blueprint = Blueprint("canteens", __name__, url_prefix="/cantine")
manager_only = role_required(Role.CANTEEN_MANAGER)
LABELS = {"course_labels": COURSE_LABELS, "attribute_labels": ATTRIBUTE_LABELS,
          "rule_labels": RULE_LABELS,
          "outside_labels": OUTSIDE_LABELS, "percent": percent,
          "outside_reason": outside_reason, "say_cause": causes.say}


WEEKS_SHOWN = timedelta(days=10 * 366)  # a week is looked up within ten years of today


def _monday(text: str | None) -> date:
    """The Monday of the week asked for, or of next week if none is (or one of no use:
    the pages show the weeks around, and ``date.max`` has no next week)."""
    today = date.today()
    asked = iso_day(text)
    if asked is None or not today - WEEKS_SHOWN <= asked <= today + WEEKS_SHOWN:
        asked = today + timedelta(days=7)
    return services.monday_of(asked)


@blueprint.route("/previsions", methods=["GET", "POST"])
@manager_only
def forecast() -> str | BaseResponse:
    canteen = services.canteen_of(current_user)
    monday = _monday(request.args.get("semaine"))
    form = ForecastForm()
    if not form.is_submitted():
        for day in services.week_forecast(canteen, monday):
            form.days.append_entry({"day": day.day.isoformat(), "nursery": day.nursery,
                                    "elementary": day.elementary, "adult": day.adult})
    elif form.validate():
        try:
            services.save_week_forecast(canteen, monday, [services.DayForecast(
                iso_day(e.form.day.data) or date.min, e.form.nursery.data or 0,
                e.form.elementary.data or 0, e.form.adult.data or 0) for e in form.days])
        except ServiceError as error:
            flash(str(error), "error")
        else:
            flash(_("Prévisions de la semaine enregistrées."), "success")
            return redirect(url_for("canteens.forecast", semaine=monday.isoformat()))
    days = [iso_day(e.form.day.data) for e in form.days]
    if None in days:  # a hidden day changed by hand: the row is shown without its date
        flash(_("Date illisible."), "error")
    closed = {f.day: f.closed for f in services.week_forecast(canteen, monday) if f.closed}
    return render_template("canteens/forecast.html", canteen=canteen, form=form, monday=monday,
                           days=days, closed=closed, timedelta=timedelta,
                           note=_delivery_note(canteen, monday))


@blueprint.route("/fermetures", methods=["GET", "POST"])
@manager_only
def closures_page() -> str | BaseResponse:
    canteen = services.canteen_of(current_user)
    form = ClosureForm()
    if form.validate_on_submit():
        first = form.first_day.data
        try:
            closures.add_closure(canteen, first, form.last_day.data or first,
                                 form.reason.data or "")
        except closures.ClosureError as error:
            field = getattr(form, error.field)
            field.errors = [*field.errors, str(error)]
        else:
            flash(_("Fermeture enregistrée : pas de repas ces jours-là."), "success")
            return redirect(url_for("canteens.closures_page"))
    today = date.today()
    return render_template(
        "canteens/closures.html", canteen=canteen, form=form, remove=FlaskForm(),
        closures=closures.closures_of(canteen, today - timedelta(days=30)),
        periods=closures.upcoming_periods_off(canteen, today), day_off_text=closures.day_off_text)


@blueprint.route("/fermetures/<int:closure_id>/supprimer", methods=["POST"])
@manager_only
def remove_closure(closure_id: int) -> BaseResponse:
    canteen = services.canteen_of(current_user)
    if FlaskForm().validate_on_submit():
        removed = closures.remove_closure(canteen, closure_id)
        flash(_("Fermeture « %(reason)s » retirée : ces jours redeviennent des jours de "
                "service.", reason=removed.reason), "success")
    else:
        flash(_("Le formulaire a expiré, réessayez."), "error")
    return redirect(url_for("canteens.closures_page"))


@blueprint.route("/menus")
@manager_only
def plan() -> str:
    canteen = services.canteen_of(current_user)
    stored = menus.latest_plan(canteen)
    job = menus.latest_job(canteen)
    form = PlanForm(first_day=_monday(None))
    cycle = current_cycle()
    order_week = (services.meals_monday(cycle.delivery_date)
                  if cycle is not None and cycle.status == CycleStatus.OPEN else None)
    return render_template(
        "canteens/plan.html", canteen=canteen, stored=stored, job=job, form=form,
        running=job is not None and job.running,
        weeks=menus.weeks_of(stored) if stored else [], order_week=order_week,
        ordered=ordering.week_order_of(canteen, order_week) if order_week else None,
        delivery_note=lambda monday: _delivery_note(canteen, monday),
        closed=closures.days_off(canteen, [m.service_date for m in stored.meals]) if stored
        else {}, day_off_text=closures.day_off_text, **LABELS)


def _delivery_note(canteen: Canteen, monday: date) -> str:
    return services.delivery_note(canteen, calendar.delivery_feeding(monday))


@blueprint.route("/menus/planifier", methods=["POST"])
@manager_only
def start_plan() -> BaseResponse:
    canteen = services.canteen_of(current_user)
    form = PlanForm()
    if form.validate():
        meals, weeks = form.amount()
        menus.start_planning(canteen, form.first_day.data, meals=meals, weeks=weeks)
        flash(_("Planification lancée : la page se met à jour toute seule."), "success")
    else:
        for errors in form.errors.values():
            flash(", ".join(str(e) for e in errors), "error")
    return redirect(url_for("canteens.plan"))


@blueprint.route("/menus/<int:plan_id>/repas/<day>", methods=["GET", "POST"])
@manager_only
def edit_meal(plan_id: int, day: str) -> str | BaseResponse:
    canteen = services.canteen_of(current_user)
    stored = menus.own_plan(canteen, plan_id)
    try:
        served = date.fromisoformat(day)
    except ValueError:
        served = date.min
    meal = next((m for m in stored.meals if m.service_date == served), None)
    if meal is None:
        raise NotFound(_("Ce repas n'est pas dans le plan."))
    form = MealForm()
    current = {pd.course: pd.dish for pd in meal.dishes}
    dishes = services.dishes_in_season(served.month)
    for course in COURSES:
        field = getattr(form, course)
        options = [d for d in dishes[course] if d is not current.get(course)]
        options = ([current[course]] if course in current else []) + options
        field.choices = [(0, "—")] + [(d.id, d.name) for d in options]
        if not form.is_submitted():
            field.data = current[course].id if course in current else 0
    if form.validate_on_submit():
        menus.edit_meal(canteen, plan_id, served,
                           {c: getattr(form, c).data or None for c in COURSES})
        flash(_("Repas modifié ; les compteurs sont recalculés."), "success")
        return redirect(url_for("canteens.plan") + f"#j-{served.isoformat()}")
    return render_template("canteens/meal.html", canteen=canteen, stored=stored, meal=meal,
                           form=form, courses=COURSES, **LABELS)


@blueprint.route("/semaine", methods=["GET", "POST"])
@manager_only
def week_order() -> str | BaseResponse:
    canteen = services.canteen_of(current_user)
    action = FlaskForm()
    if action.validate_on_submit():
        placed = ordering.order_planned_week(current_user)
        flash(_("Commande de la semaine générée."), "success")
        return redirect(url_for("canteens.week_order", semaine=placed.week_start.isoformat()))
    cycle = current_cycle()
    is_open = cycle is not None and cycle.status == CycleStatus.OPEN
    monday = (services.meals_monday(cycle.delivery_date) if cycle is not None and is_open
              else _monday(request.args.get("semaine")))
    stored = menus.plan_for_week(canteen, monday)
    ordered = ordering.week_order_of(canteen, monday)
    needs: list[ordering.Need] = (ordering.split_needs(canteen, stored, cycle)
             if stored and is_open and cycle is not None and ordered is None else [])
    note = (services.delivery_note(canteen, ordered.cycle.delivery_date) if ordered
            else services.delivery_note(canteen, cycle.delivery_date) if cycle and is_open
            else _delivery_note(canteen, monday))
    return render_template("canteens/week_order.html", canteen=canteen, stored=stored,
                           cycle=cycle if is_open else None, monday=monday, placed=ordered,
                           needs=needs, action=action, note=note, **LABELS)


@blueprint.route("/plats")
@manager_only
def dishes() -> str:
    services.canteen_of(current_user)
    services.ensure_dish_catalogue()
    return render_template("canteens/dishes.html", by_course=services.dishes_by_course(),
                           courses=COURSES, **LABELS)


@blueprint.route("/plats/nouveau", methods=["GET", "POST"], defaults={"dish_id": None})
@blueprint.route("/plats/<int:dish_id>", methods=["GET", "POST"])
@manager_only
def edit_dish(dish_id: int | None) -> str | BaseResponse:
    services.canteen_of(current_user)
    dish = services.get_dish(dish_id) if dish_id is not None else None
    form = DishForm(obj=None)
    names = services.ingredient_names()
    form.course.choices = [(c, str(COURSE_LABELS[c])) for c in COURSES]
    form.attributes.choices = [(a, str(ATTRIBUTE_LABELS[a])) for a in sorted(ATTRIBUTES)]
    choices = [("", "—")] + [(n, n if local else f"{n} ({_('hors circuit')})")
                             for n, local in names]
    if not form.is_submitted() and dish is not None:
        form.name.data, form.course.data = dish.name, dish.course
        form.attributes.data, form.active.data = list(dish.attributes), dish.active
        for i, ingredient in enumerate(dish.ingredients):
            if i >= len(form.ingredients):
                form.ingredients.append_entry()
            form.ingredients[i].form.name.data = ingredient.name
            form.ingredients[i].form.grams.data = ingredient.grams
    for entry in form.ingredients:
        entry.form.name.choices = choices
    if form.validate_on_submit():
        spec = services.DishSpec(
            name=form.name.data or "", course=form.course.data or "",
            attributes=frozenset(form.attributes.data or ()),
            ingredients=tuple((e.form.name.data, e.form.grams.data) for e in form.ingredients
                              if e.form.name.data and e.form.grams.data),
            active=bool(form.active.data))
        try:
            saved = services.save_dish(spec, dish_id)
        except ServiceError as error:
            flash(str(error), "error")
        else:
            flash(_("Plat « %(name)s » enregistré.", name=saved.name), "success")
            return redirect(url_for("canteens.dishes"))
    return render_template("canteens/dish.html", form=form, dish=dish, **LABELS)


def _period() -> tuple[date, date]:
    today = date.today()
    try:
        start = date.fromisoformat(request.args.get("du") or f"{today.year}-01-01")
        end = date.fromisoformat(request.args.get("au") or f"{today.year}-12-31")
    except ValueError as error:
        raise ServiceError(_("Dates illisibles : utilisez le calendrier.")) from error
    if end < start:
        raise ServiceError(_("La fin de la période précède son début."))
    return start, end


@blueprint.route("/bilan")
@manager_only
def figures() -> str:
    canteen = services.canteen_of(current_user)
    start, end = _period()
    purchases = egalim.canteen_purchases(canteen, start, end)
    return render_template("canteens/figures.html", canteen=canteen, start=start, end=end,
                           purchases=purchases, shares=egalim.figures(purchases),
                           years=_export_years(), **LABELS)


@blueprint.route("/bilan.csv")
@manager_only
def figures_csv() -> Response:
    canteen = services.canteen_of(current_user)
    start, end = _period()
    table = egalim.purchases_table(canteen, start, end,
                                   egalim.canteen_purchases(canteen, start, end))
    return download(table, f"egalim-{canteen.code}-{start.isoformat()}-{end.isoformat()}",
                    request.args.get("format", "csv"))


def _export_years() -> list[int]:
    """The years offered for the declaration: this one and the three before."""
    this_year = date.today().year
    return [this_year - n for n in range(4)]


def _export_year() -> int:
    """The year asked for: one of those offered, or next year's first deliveries."""
    text = request.args.get("annee") or str(date.today().year - 1)
    allowed = [*_export_years(), date.today().year + 1]
    if not text.isdigit() or int(text) not in allowed:
        raise ServiceError(_("Choisissez l'une des années proposées."))
    return int(text)


@blueprint.route("/bilan-ma-cantine.csv")
@manager_only
def macantine_csv() -> BaseResponse:
    canteen = services.canteen_of(current_user)
    year = _export_year()
    start, end = macantine.year_bounds(year)
    try:
        text = macantine.purchases_csv(canteen, egalim.canteen_purchases(canteen, start, end))
    except macantine.MissingSiret as error:
        flash(str(error), "error")
        return redirect(url_for("canteens.siret"))
    name = f"achats-ma-cantine-{canteen.siret}-{year}.csv"
    # Exactly the import format: UTF-8 without byte order mark, commas, a point in prices.
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blueprint.route("/siret", methods=["GET", "POST"])
@manager_only
def siret() -> str | BaseResponse:
    canteen = services.canteen_of(current_user)
    form = SiretForm(data={"siret": canteen.siret} if request.method == "GET" else None)
    if form.validate_on_submit():
        macantine.set_siret(canteen, form.siret.data or "")
        flash(_("SIRET enregistré."), "success")
        return redirect(url_for("canteens.figures"))
    return render_template("canteens/siret.html", canteen=canteen, form=form)


@blueprint.route("/demande")
@role_required(Role.FARMER, Role.COORDINATOR)
def demand() -> str:
    mondays, rows = ordering.expected_demand(date.today())
    return render_template("canteens/demand.html", mondays=mondays, rows=rows,
                           deliveries={m: calendar.delivery_feeding(m) for m in mondays})


@blueprint.route("/commande", methods=["GET", "POST"])
@manager_only
def order() -> str | BaseResponse:
    canteen = services.canteen_of(current_user)
    cycle = current_cycle()
    if cycle is None or cycle.status != CycleStatus.OPEN:
        return render_template("orders/closed.html", cycle=cycle)
    offer = catalogue(cycle)
    form = CanteenOrderForm()
    stocks = {s.product_id: s for s in offer.stocks}
    if not form.is_submitted():
        for stock in offer.stocks:
            form.products.append_entry({"product_id": stock.product_id})
    form.bind_units({pid: stock.product.unit for pid, stock in stocks.items()})
    if form.validate_on_submit():
        try:
            placed = orders.place_order(current_user, cycle.id, canteen.point_id, form.cart(),
                                        source=OrderSource.CANTEEN)
        except ServiceError as error:
            flash(str(error), "error")
        else:
            flash(_("Commande n° %(id)d de la cantine enregistrée.", id=placed.id), "success")
            return redirect(url_for("orders.mine"))
    rows = [(e, stocks[as_id(e.form.product_id.data)]) for e in form.products
            if as_id(e.form.product_id.data) in stocks]
    return render_template("canteens/order.html", form=form, cycle=cycle, canteen=canteen,
                           rows=rows)
