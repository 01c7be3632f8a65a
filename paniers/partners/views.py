"""The coordinators' page of partners' tokens, and the DFC catalogue partners read."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from paniers.accounts.access import role_required
from paniers.accounts.models import Role
from paniers.errors import ServiceError
from paniers.partners import services
from paniers.partners.forms import IssueTokenForm, RevokeTokenForm

blueprint = Blueprint("partners", __name__)
JSON_LD = "application/ld+json"


@blueprint.route("/coordination/partenaires", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def tokens() -> Any:
    form = IssueTokenForm()
    issued = None
    if form.validate_on_submit():
        issued = services.issue_token(form.partner.data or "", current_user)
        form = IssueTokenForm(formdata=None)
    status = 400 if form.errors else 200
    return render_template("partners/tokens.html", form=form, issued=issued,
                           tokens=services.tokens(), revoke=RevokeTokenForm(formdata=None),
                           index=url_for("partners.dfc_index", _external=True),
                           example=url_for("partners.dfc_catalogue", farm_id=1, cycle_id=1,
                                           _external=True)), status


@blueprint.route("/coordination/partenaires/revoquer", methods=["POST"])
@role_required(Role.COORDINATOR)
def revoke() -> Any:
    form = RevokeTokenForm()
    if not form.validate_on_submit():
        raise ServiceError(_("Ce jeton n'existe pas."))
    record = services.revoke_token(int(form.token_id.data or 0), current_user)
    flash(_("Jeton de %(partner)s révoqué : il n'ouvre plus rien.", partner=record.partner),
          "success")
    return redirect(url_for("partners.tokens"))


def _json(body: dict[str, Any], status: int, **headers: str) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status,
                    mimetype=JSON_LD if status == 200 else "application/json", headers=headers)


def _refused() -> Response:
    return _json({"error": "invalid_token",
                  "error_description": "A valid partner token is required "
                                       "(Authorization: Bearer <token>)."}, 401,
                 **{"WWW-Authenticate": 'Bearer realm="paniers", error="invalid_token"'})


@blueprint.route("/dfc/")
def dfc_index() -> Response:
    """Where the catalogues are: each farm with supply in the latest weeks (plain JSON)."""
    if services.authenticate(request.headers.get("Authorization")) is None:
        return _refused()
    return Response(json.dumps({"catalogues": [{
        "farm_id": item.farm_id, "farm": item.farm, "cycle_id": item.cycle_id,
        "delivery_date": item.delivery, "status": item.status,
        "url": url_for("partners.dfc_catalogue", farm_id=item.farm_id,
                       cycle_id=item.cycle_id, _external=True),
    } for item in services.listed_catalogues()]}, ensure_ascii=False),
        mimetype="application/json")


@blueprint.route("/dfc/fermes/<int:farm_id>/cycles/<int:cycle_id>")
def dfc_catalogue(farm_id: int, cycle_id: int) -> Response:
    if services.authenticate(request.headers.get("Authorization")) is None:
        return _refused()
    try:
        document = services.catalogue(farm_id, cycle_id, request.url_root)
    except ServiceError as error:
        return _json({"error": "not_found", "error_description": str(error)}, 404)
    return _json(document, 200)
