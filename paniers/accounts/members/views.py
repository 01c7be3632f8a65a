"""Members, for coordinators: who holds which role, invitations, deactivation."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from paniers.accounts import invitations, memberships
from paniers.accounts.access import role_required
from paniers.accounts.members.forms import AddRoleForm, ConfirmForm, InviteForm, SearchForm
from paniers.accounts.models import Role
from paniers.errors import ServiceError
from paniers.formids import as_id
from paniers.types import utcnow

blueprint = Blueprint("members", __name__, url_prefix="/coordination/membres")


def _page(invite: InviteForm | None = None, add_role: AddRoleForm | None = None,
          add_role_for: int | None = None) -> str:
    choices = memberships.network_choices()
    search = SearchForm(request.args)
    found, more = memberships.people(search.q.data or "", search.role.data or "")
    return render_template(
        "members/index.html", search=search, people=found, more=more,
        invite=(invite or InviteForm()).fill(choices), add_role=add_role,
        add_role_for=add_role_for, confirm=ConfirmForm(), is_current=memberships.is_current,
        role_form=lambda user_id: AddRoleForm(formdata=None, prefix=f"p{user_id}").fill(choices),
        invitations=invitations.pending_invitations(), now=utcnow(),
        label=memberships.label, role_names=memberships.ROLE_NAMES)


@blueprint.route("/")
@role_required(Role.COORDINATOR)
def index() -> str:
    """The members; an invitation form filled from the address when a network page sends
    here to invite a farm's farmer, a point's host or a canteen's manager."""
    wanted = {name: request.args.get(name, "") for name in ("email", "role")}
    ties = {name: as_id(request.args.get(name)) for name in ("farm", "point", "canteen")}
    if not any(wanted.values()):
        return _page()
    return _page(invite=InviteForm(formdata=None, data={**wanted, **ties}))


@blueprint.route("/inviter", methods=["POST"])
@role_required(Role.COORDINATOR)
def invite() -> str | Response:
    form = InviteForm().fill(memberships.network_choices())
    if form.validate_on_submit():
        try:
            sent = invitations.invite_anew(form.email.data or "", form.role.data or "",
                                           invited_by=current_user, **form.ties())
        except ServiceError as error:
            form.email.errors = [str(error)]
        else:
            flash(_("Invitation envoyée à %(email)s.", email=sent.email), "success")
            return redirect(url_for("members.index"))
    return _page(invite=form)


@blueprint.route("/invitations/<int:invitation_id>/renvoyer", methods=["POST"])
@role_required(Role.COORDINATOR)
def resend(invitation_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        sent = invitations.resend(invitation_id)
        flash(_("Invitation renvoyée à %(email)s, avec un nouveau lien valable 7 jours.",
                email=sent.email), "success")
    return redirect(url_for("members.index"))


@blueprint.route("/invitations/<int:invitation_id>/annuler", methods=["POST"])
@role_required(Role.COORDINATOR)
def revoke(invitation_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        revoked = invitations.revoke(invitation_id)
        flash(_("Invitation de %(email)s annulée : son lien ne fonctionne plus.",
                email=revoked.email), "success")
    return redirect(url_for("members.index"))


@blueprint.route("/<int:user_id>/roles", methods=["POST"])
@role_required(Role.COORDINATOR)
def add_role(user_id: int) -> str | Response:
    person = memberships.member(user_id)
    form = AddRoleForm(prefix=f"p{user_id}").fill(memberships.network_choices())
    if form.validate_on_submit():
        try:
            memberships.add_role(person, form.role.data or "", **form.ties())
        except ServiceError as error:
            form.role.errors = [str(error)]
        else:
            flash(_("Rôle ajouté à %(name)s.", name=person.name), "success")
            return redirect(url_for("members.index"))
    return _page(add_role=form, add_role_for=person.id)


@blueprint.route("/roles/<int:membership_id>/retirer", methods=["POST"])
@role_required(Role.COORDINATOR)
def remove_role(membership_id: int) -> Response:
    form = ConfirmForm()
    if form.validate_on_submit():
        person = memberships.owner_of(membership_id)
        memberships.remove_role(person, membership_id)
        flash(_("Rôle retiré à %(name)s.", name=person.name), "success")
    return redirect(url_for("members.index"))


@blueprint.route("/<int:user_id>/desactiver", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def deactivate(user_id: int) -> str | Response:
    """A confirmation page first; the account is deactivated by its form."""
    person = memberships.member(user_id)
    form = ConfirmForm()
    if form.validate_on_submit() and form.confirm.data == "oui":
        memberships.deactivate(person, by=current_user)
        flash(_("Le compte de %(name)s est désactivé : il ne peut plus se connecter.",
                name=person.name), "success")
        return redirect(url_for("members.index"))
    return render_template("members/deactivate.html", person=person, form=form,
                           roles=[memberships.label(m) for m in memberships.held(person)])


@blueprint.route("/<int:user_id>/reactiver", methods=["POST"])
@role_required(Role.COORDINATOR)
def reactivate(user_id: int) -> Response:
    person = memberships.member(user_id)
    if ConfirmForm().validate_on_submit():
        memberships.reactivate(person)
        flash(_("Le compte de %(name)s est réactivé.", name=person.name), "success")
    return redirect(url_for("members.index"))
