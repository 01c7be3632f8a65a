"""The « Réseau » pages: coordinators administer the network; a farmer keeps their farm's
profile up to date, a host their point's access notes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from paniers.accounts.access import role_required
from paniers.accounts.models import Role
from paniers.formatting import long_date
from paniers.network.admin import forms, services
from paniers.network.admin.kinds import (
    CANTEENS,
    FARMS,
    FORMATS,
    HUBS,
    KINDS,
    POINTS,
    PRODUCTS,
    SLUGS,
    Kind,
)

blueprint = Blueprint("network", __name__)
KIND_RULE = "<any({}):kind>".format(", ".join(f'"{slug}"' for slug in SLUGS))

FORMS: dict[str, type[forms.NetworkForm]] = {
    FARMS.slug: forms.FarmForm, PRODUCTS.slug: forms.ProductForm, POINTS.slug: forms.PointForm,
    HUBS.slug: forms.HubForm, CANTEENS.slug: forms.CanteenForm, FORMATS.slug: forms.FormatForm,
}
# The form's fields in the order a person fills them, by section; "position" is the
# latitude and longitude beside the map.
LAYOUTS: dict[str, list[tuple[Any, tuple[str, ...]]]] = {
    FARMS.slug: [(_l("La ferme"), ("name", "town", "address", "position")),
                 (_l("Bio et surfaces"), ("organic_status", "conversion_start_date",
                                          "farmed_area_ares", "organic_area_ares")),
                 (_l("Contact"), ("contact_name", "contact_phone", "contact_email")),
                (_l("Livraisons à la plateforme"), ("drop_windows", "notes"))],
    PRODUCTS.slug: [(_l("Le produit"), ("name", "category", "unit", "unit_weight_g",
                                        "months", "nursery_portion_g")),
                    (_l("Prix et origine"), ("reference_price_cents", "price_basis", "origin",
                                             "origin_reason"))],
    POINTS.slug: [(_l("Le point"), ("name", "kind", "town", "address", "position",
                                    "capacity_baskets")),
                  (_l("Livraison"), ("delivery_weekday", "delivery_start_min",
                                     "delivery_end_min", "delivery_overrides")),
                  (_l("Retrait"), ("pickup_weekday", "pickup_start_min", "pickup_end_min",
                                   "pickup_overrides")),
                  (_l("Sur place"), ("access_notes", "phone", "notes"))],
    HUBS.slug: [(_l("La plateforme"), ("name", "town", "address", "position")),
                (_l("Ouverture"), ("weekday", "open_start_min", "open_end_min", "notes"))],
    CANTEENS.slug: [(_l("La cantine"), ("name", "kind", "point_id", "meals_per_day",
                                        "service_days", "local_target_pct",
                                        "budget_cents_per_meal"))],
    FORMATS.slug: [(_l("Le format"), ("name", "price_cents", "solidarity_price_cents",
                                      "target_weight_g", "min_products", "quota"))],
}
STATES = {services.ACTIVE: _l("Actifs"), services.INACTIVE: _l("Désactivés"),
          services.EVERY: _l("Tous")}


def _kind(slug: str) -> Kind:
    return KINDS[slug]


@blueprint.route("/reseau/")
@role_required(Role.COORDINATOR)
def index() -> str:
    counts = {slug: len(services.listing(kind)) for slug, kind in KINDS.items()}
    return render_template("network/index.html", kinds=KINDS, counts=counts,
                           map_data=_map_data(None))


@blueprint.route(f"/reseau/{KIND_RULE}/")
@role_required(Role.COORDINATOR)
def listing(kind: str) -> str:
    state = request.args.get("etat", services.ACTIVE)
    if state not in STATES:
        state = services.ACTIVE
    things = services.listing(_kind(kind), state)
    return render_template("network/list.html", kind=_kind(kind), things=things, state=state,
                           states=STATES, action=FlaskForm())


def _prepare(kind: Kind, form: Any, thing: Any = None) -> None:
    """Choices that come from the database."""
    if kind is CANTEENS:
        form.point_id.choices = [(p.id, f"{p.name} ({p.town})")
                                 for p in services.canteen_points()]
    if kind is PRODUCTS and thing is not None and thing.category not in dict(
            forms.CATEGORY_CHOICES):  # a category an import brought: kept as it is
        form.category.choices = [*forms.CATEGORY_CHOICES, (thing.category, thing.category)]


def _map_data(excluding: tuple[str, int] | None) -> dict[str, Any]:
    return {"places": services.positions(excluding),
            "tiles": current_app.config.get("MAP_TILE_URL", "")}


def _save(kind: Kind, form: Any, thing_id: int | None, extra: dict[str, Any]) -> Any:
    """Hand the form's values to the service; a refusal goes next to its field."""
    try:
        if thing_id is None:
            return services.create(kind, {**form.values(), **extra})
        services.update(kind, thing_id, form.values())
        return services.get(kind, thing_id)
    except services.Refused as refusal:
        field = form._fields.get(refusal.field or "")
        if field is not None:
            field.errors = [*field.errors, str(refusal)]
        else:
            form.form_errors.append(str(refusal))
        return None


def _form_page(kind: Kind, form: Any, thing: Any, title: str, **context: Any) -> str:
    excluding = (kind.slug, thing.id) if thing is not None and kind is not FORMATS else None
    status = 400 if form.errors or form.form_errors else 200
    page = render_template(
        "network/edit.html", kind=kind, form=form, thing=thing, title=title,
        layout=LAYOUTS[kind.slug], map_data=_map_data(excluding), action=FlaskForm(),
        members=services.members(kind, thing) if thing is not None else [], **context)
    return page, status  # type: ignore[return-value]


@blueprint.route(f"/reseau/{KIND_RULE}/nouveau", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def create(kind: str) -> str | Response:
    chosen = _kind(kind)
    form = FORMS[kind]()
    _prepare(chosen, form)
    weeks = services.editable_weeks() if chosen is FORMATS else []
    week = _week(weeks) if chosen is FORMATS else None
    if form.validate_on_submit():
        extra = {"cycle_id": week.id} if week is not None else {}
        thing = _save(chosen, form, None, extra)
        if thing is not None:
            flash(_("Ajouté au réseau : %(name)s.", name=services.subject(thing)), "success")
            return redirect(url_for("network.edit", kind=kind, thing_id=thing.id))
    return _form_page(chosen, form, None, str(chosen.new), weeks=weeks, week=week)


def _week(weeks: list[Any]) -> Any:
    """The week a new format is added to (a week that is closed, or none: refused)."""
    wanted = request.values.get("semaine", "")
    week = next((w for w in weeks if str(w.id) == wanted), weeks[0] if weeks else None)
    if week is None:
        abort(Response(render_template(
            "error.html", message=_("Aucune semaine à venir : créez d'abord un cycle, puis "
                                    "ajoutez-y les formats de panier.")), 409))
    return week


@blueprint.route(f"/reseau/{KIND_RULE}/<int:thing_id>", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def edit(kind: str, thing_id: int) -> str | Response:
    chosen = _kind(kind)
    thing = services.get(chosen, thing_id)
    form = FORMS[kind](obj=thing)
    _prepare(chosen, form, thing)
    if chosen is FORMATS and not form.is_submitted():
        form.name.data = thing.label
    if form.validate_on_submit() and _save(chosen, form, thing_id, {}) is not None:
        flash(_("Fiche enregistrée."), "success")
        return redirect(url_for("network.edit", kind=kind, thing_id=thing_id))
    title = thing.label if chosen is FORMATS else thing.name
    return _form_page(chosen, form, thing, title,
                      week=thing.cycle if chosen is FORMATS else None)


@blueprint.route(f"/reseau/{KIND_RULE}/<int:thing_id>/desactiver", methods=["POST"])
@role_required(Role.COORDINATOR)
def deactivate(kind: str, thing_id: int) -> Response:
    return _switch(kind, thing_id, active=False)


@blueprint.route(f"/reseau/{KIND_RULE}/<int:thing_id>/reactiver", methods=["POST"])
@role_required(Role.COORDINATOR)
def reactivate(kind: str, thing_id: int) -> Response:
    return _switch(kind, thing_id, active=True)


def _switch(kind: str, thing_id: int, *, active: bool) -> Response:
    if not FlaskForm().validate_on_submit():
        flash(_("Le formulaire a expiré, réessayez."), "error")
        return redirect(url_for("network.edit", kind=kind, thing_id=thing_id))
    try:
        thing = services.set_active(_kind(kind), thing_id, active)
    except services.Refused as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("network.edit", kind=kind, thing_id=thing_id))
    name = services.subject(thing)
    flash(_("Réactivé : %(name)s.", name=name) if active else _(
        "Désactivé : %(name)s. Plus proposé à la commande, gardé dans l'historique.",
        name=name), "success")
    return redirect(url_for("network.edit", kind=kind, thing_id=thing_id))


@blueprint.route("/fermes/<int:farm_id>/profil", methods=["GET", "POST"])
@role_required(Role.FARMER)
def farm_profile(farm_id: int) -> str | Response:
    farm = services.farm_of(current_user, farm_id)
    form = forms.FarmProfileForm(obj=farm)
    if form.validate_on_submit():
        services.update_farm_profile(current_user, farm_id, form.values())
        flash(_("Le profil de la ferme est enregistré."), "success")
        return redirect(url_for("network.farm_profile", farm_id=farm_id))
    return render_template("network/profile.html", farm=farm, form=form,
                           title=_("Profil de %(name)s", name=farm.name))


@blueprint.route("/points/<int:point_id>/acces", methods=["GET", "POST"])
@role_required(Role.RELAY_HOST)
def point_access(point_id: int) -> str | Response:
    point = services.point_of(current_user, point_id)
    form = forms.PointAccessForm(obj=point)
    if form.validate_on_submit():
        services.update_point_access(current_user, point_id, form.values())
        flash(_("Les informations d'accès sont enregistrées."), "success")
        return redirect(url_for("network.point_access", point_id=point_id))
    return render_template("network/profile.html", point=point, form=form,
                           title=_("Accès à %(name)s", name=point.name))


def week_label(week: Any) -> str:
    return _("Livraison du %(date)s", date=long_date(week.delivery_date))


@blueprint.context_processor
def names() -> dict[str, Any]:
    return {"network_kinds": KINDS, "network_week_label": week_label,
            "point_kinds": dict(forms.POINT_KIND_CHOICES),
            "canteen_kinds": dict(forms.CANTEEN_KIND_CHOICES)}
