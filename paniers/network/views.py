"""Coordinators import the network from files in the browser: preview, then confirm."""

from __future__ import annotations

import base64
import binascii
import zipfile

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from paniers.accounts.access import role_required
from paniers.accounts.models import Role
from paniers.network import export, files, services
from paniers.network.forms import ConfirmForm, ImportForm

blueprint = Blueprint("network_import", __name__, url_prefix="/reseau")


def _uploaded(form: ImportForm) -> dict[str, bytes] | None:
    if not form.archive.data:
        return form.texts()
    try:
        return files.zip_texts(form.archive.data.read())
    except (zipfile.BadZipFile, files.FileProblem, ValueError):
        form.archive.errors = [_("Ce n'est pas une archive zip lisible.")]
        return None


def _payload(texts: dict[str, bytes]) -> str:
    return base64.b64encode(files.zip_bytes(
        {name: text.decode("utf-8-sig") for name, text in texts.items()})).decode("ascii")


@blueprint.route("/import", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def upload() -> str:
    form, confirm, result = ImportForm(), None, None
    if form.validate_on_submit() and (texts := _uploaded(form)) is not None:
        result = services.import_network(texts, dry_run=True)
        if result.ok:
            confirm = ConfirmForm(payload=_payload(texts))
    return render_template("network/import.html", form=form, result=result, confirm=confirm,
                           kind_labels=services.KIND_LABELS)


@blueprint.route("/import/confirmer", methods=["POST"])
@role_required(Role.COORDINATOR)
def confirm() -> BaseResponse | str:
    form = ConfirmForm()
    try:
        texts = files.zip_texts(base64.b64decode(form.payload.data or "", validate=True))
    except (binascii.Error, zipfile.BadZipFile, files.FileProblem, ValueError):
        texts = {}
    if not form.validate_on_submit() or not texts:
        flash(_("L'import n'a pas pu être relu : déposez les fichiers à nouveau."), "error")
        return redirect(url_for("network_import.upload"))
    result = services.import_network(texts, source=_("import dans le navigateur"))
    if not result.ok:  # the network changed since the preview
        return render_template("network/import.html", form=ImportForm(formdata=None),
                               result=result, confirm=None, kind_labels=services.KIND_LABELS)
    flash(services.summary(result), "success")
    return redirect(url_for("network_import.upload"))


@blueprint.route("/export")
@role_required(Role.COORDINATOR)
def download() -> Response:
    return Response(export.export_zip(), mimetype="application/zip", headers={
        "Content-Disposition": "attachment; filename=reseau-paniers.zip"})
