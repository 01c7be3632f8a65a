"""Invitations by e-mail to take a role: a farmer, a host, a canteen manager, a coordinator.

An invitation is a row; its e-mail holds a signed link naming the row and its nonce. The
link works once (accepting marks the row in the same UPDATE that checks it is still
pending, so two clicks racing cannot both succeed), for seven days, unless revoked; a
resend draws a new nonce, so only the latest link sent works. The message is sent by a
worker (``paniers.accounts.tasks.send_invitation``), queued once the invitation is
committed.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from paniers.accounts import memberships
from paniers.accounts.models import Invitation, Membership, Role, User
from paniers.accounts.services import check_password_strength, find_user, normalised_email
from paniers.accounts.tokens import INVITATION_MAX_AGE, invitation_path, read_invitation
from paniers.background import BrokerUnavailable, enqueue
from paniers.errors import NotFound, ServiceError
from paniers.extensions import db
from paniers.journal import services as journal
from paniers.notifications import mail
from paniers.notifications.messages import render
from paniers.transaction import after_commit, transaction
from paniers.types import utcnow

log = logging.getLogger(__name__)
SEND_TASK = "paniers.accounts.tasks.send_invitation"
INVITABLE = (Role.FARMER, Role.RELAY_HOST, Role.CANTEEN_MANAGER, Role.COORDINATOR)


class AlreadyMember(ServiceError):
    """The address's account holds that role already: there is nothing to invite to."""

    status_code = 409


def _pending_like(email: str, role: str, ties: memberships.Ties,
                  now: datetime) -> Invitation | None:
    same_ties = [column.is_(None) if value is None else column == value for column, value in
                 zip((Invitation.farm_id, Invitation.point_id, Invitation.canteen_id), ties,
                     strict=True)]
    return db.session.scalar(select(Invitation).where(
        func.lower(Invitation.email) == email, Invitation.role == role, *same_ties,
        Invitation.accepted_dt.is_(None), Invitation.revoked_dt.is_(None),
        Invitation.expires_dt > now).order_by(Invitation.id.desc()))


def _holds(user: User, role: str, ties: memberships.Ties) -> bool:
    return any(m.role == role and (m.farm_id, m.point_id, m.canteen_id) == ties
               for m in memberships.held(user))


def invite(email: str, role: str, *, farm_id: int | None = None, point_id: int | None = None,
           canteen_id: int | None = None, invited_by: User | None = None) -> Invitation:
    """Invite ``email`` to take ``role``, tied to its farm, point or canteen (checked).

    Joins the caller's transaction when there is one; the e-mail leaves once it commits.
    Inviting again to the same pending role returns the pending invitation unchanged (no
    second e-mail): importing the same people twice invites them once. Raises
    ``AlreadyMember`` when the address's account holds the role already, a
    ``ServiceError`` for a bad address, role or tie."""
    address = normalised_email(email)
    if role not in INVITABLE:
        raise ServiceError(_("On invite un producteur, un hôte, un gestionnaire de cantine "
                             "ou une personne de la coordination."))
    ties = memberships.check_ties(role, farm_id, point_id, canteen_id)
    existing = find_user(address)
    if existing is not None and _holds(existing, role, ties):
        raise AlreadyMember(_("Cette personne a déjà ce rôle."))
    now = utcnow()
    with transaction():
        pending = _pending_like(address, role, ties, now)
        if pending is not None:
            return pending
        invitation = Invitation(
            email=address, role=role, farm_id=ties[0], point_id=ties[1], canteen_id=ties[2],
            invited_by_id=invited_by.id if invited_by is not None else None,
            nonce=secrets.token_hex(16), created_dt=now, expires_dt=now + INVITATION_MAX_AGE)
        db.session.add(invitation)
        db.session.flush()
        journal.record("member.invited", subject=address, role=role,
                       actor_id=invited_by.id if invited_by is not None else None)
        after_commit(partial(_hand_to_workers, invitation.id))
    return invitation


def invite_anew(email: str, role: str, *, farm_id: int | None = None,
                point_id: int | None = None, canteen_id: int | None = None,
                invited_by: User | None = None) -> Invitation:
    """The coordinators' form: like ``invite``, but an invitation already pending is said."""
    address = normalised_email(email)
    ties = memberships.check_ties(role, farm_id, point_id, canteen_id)
    if _pending_like(address, role, ties, utcnow()) is not None:
        raise ServiceError(_("Une invitation attend déjà cette personne pour ce rôle : "
                             "renvoyez-la depuis la liste."))
    return invite(address, role, farm_id=farm_id, point_id=point_id, canteen_id=canteen_id,
                  invited_by=invited_by)


def _hand_to_workers(invitation_id: int) -> None:
    try:
        enqueue(SEND_TASK, invitation_id)
    except BrokerUnavailable:  # still unsent: the coordinator sees it and can resend
        log.warning("broker down: invitation %s not sent yet", invitation_id)


def _invitation(invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound(_("Cette invitation n'existe pas."))
    return invitation


@transaction()
def resend(invitation_id: int) -> Invitation:
    """Send the invitation again, with a new link valid seven days (the old one stops)."""
    invitation = _invitation(invitation_id)
    if invitation.accepted_dt is not None or invitation.revoked_dt is not None:
        raise ServiceError(_("Cette invitation a déjà été acceptée ou annulée."))
    now = utcnow()
    invitation.nonce = secrets.token_hex(16)
    invitation.expires_dt, invitation.sent_dt = now + INVITATION_MAX_AGE, None
    after_commit(partial(_hand_to_workers, invitation.id))
    return invitation


@transaction()
def revoke(invitation_id: int) -> Invitation:
    """The link no longer works."""
    invitation = _invitation(invitation_id)
    if invitation.accepted_dt is not None or invitation.revoked_dt is not None:
        raise ServiceError(_("Cette invitation a déjà été acceptée ou annulée."))
    invitation.revoked_dt = utcnow()
    journal.record("member.invitation_revoked", subject=invitation.email, role=invitation.role)
    return invitation


def pending_invitations() -> list[Invitation]:
    """Not accepted nor revoked (the expired ones too: they can be sent again)."""
    return list(db.session.scalars(select(Invitation).where(
        Invitation.accepted_dt.is_(None), Invitation.revoked_dt.is_(None))
        .order_by(Invitation.created_dt.desc())))


def _bad_link() -> ServiceError:
    return ServiceError(_("Ce lien d'invitation n'est plus valable : il a déjà servi, a "
                          "expiré ou a été annulé. Demandez une nouvelle invitation à la "
                          "coordination."))


@dataclass(frozen=True)
class Opened:
    """An invitation followed from its link: what it offers, and who exists already."""

    invitation: Invitation
    label: str
    account: User | None


def open_link(token: str, now: datetime | None = None) -> Opened:
    """The pending invitation a link names; a ``ServiceError`` for any other link."""
    found = read_invitation(token)
    invitation = db.session.get(Invitation, found[0]) if found is not None else None
    if found is None or invitation is None or invitation.nonce != found[1] \
            or not invitation.pending(now or utcnow()):
        raise _bad_link()
    offered = Membership(role=invitation.role, farm_id=invitation.farm_id,
                         point_id=invitation.point_id, canteen_id=invitation.canteen_id)
    return Opened(invitation, memberships.label(offered), find_user(invitation.email))


def _claim(invitation: Invitation, nonce: str, now: datetime) -> None:
    """Mark the invitation used, if it still is pending with this nonce: in one UPDATE, so
    that of two acceptances racing exactly one goes on."""
    claimed = db.session.execute(update(Invitation).where(
        Invitation.id == invitation.id, Invitation.nonce == nonce,
        Invitation.accepted_dt.is_(None), Invitation.revoked_dt.is_(None),
        Invitation.expires_dt > now).values(accepted_dt=now)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise _bad_link()


def accept(token: str, *, name: str = "", password: str = "",
           now: datetime | None = None) -> User:
    """Take the invited role. A new person gives a name and a password and gets an account
    (its address is confirmed by the link); an existing account proves itself with its
    password and gets the role added, and acts in it from now on."""
    now = now or utcnow()
    opened = open_link(token, now)
    invitation, account = opened.invitation, opened.account
    with transaction():
        _claim(invitation, invitation.nonce, now)
        if account is None:
            account = _new_member(invitation, name, password, now)
        else:
            if account.deactivated_dt is not None:
                raise ServiceError(_("Ce compte est désactivé : écrivez à la coordination."))
            if not account.check_password(password):
                raise ServiceError(_("Mot de passe incorrect."))
            if account.email_confirmed_dt is None:
                account.email_confirmed_dt = now
            if not _holds(account, invitation.role, (invitation.farm_id, invitation.point_id,
                                                     invitation.canteen_id)):
                added = memberships.add_role(
                    account, invitation.role, farm_id=invitation.farm_id,
                    point_id=invitation.point_id, canteen_id=invitation.canteen_id)
                memberships.switch_role(account, added.id)
        db.session.execute(update(Invitation).where(Invitation.id == invitation.id)
                           .values(accepted_by_id=account.id))
        journal.record("member.joined", subject=account.name, role=invitation.role,
                       actor_id=account.id)
    return account


def _new_member(invitation: Invitation, name: str, password: str, now: datetime) -> User:
    name = name.strip()
    if not name:
        raise ServiceError(_("Indiquez votre nom."))
    check_password_strength(password)
    user = User(email=invitation.email, name=name[:120], role=invitation.role,
                farm_id=invitation.farm_id, point_id=invitation.point_id,
                canteen_id=invitation.canteen_id, locale="fr", email_confirmed_dt=now,
                created_dt=now)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    db.session.add(Membership(user_id=user.id, role=invitation.role,
                              farm_id=invitation.farm_id, point_id=invitation.point_id,
                              canteen_id=invitation.canteen_id, active=True, created_dt=now))
    return user


# -- the message, in the workers ---------------------------------------------------

def send_invitation_mail(invitation_id: int) -> str:
    """Send the invitation's e-mail unless it was sent already for its current link (a
    retried task sends it once); nothing for an invitation accepted or revoked."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.id == invitation_id).with_for_update()
        .execution_options(populate_existing=True))
    if invitation is None or invitation.sent_dt is not None \
            or invitation.accepted_dt is not None or invitation.revoked_dt is not None:
        db.session.rollback()
        return "done" if invitation is not None else "missing"
    inviter = db.session.get(User, invitation.invited_by_id) if invitation.invited_by_id \
        else None
    offered = Membership(role=invitation.role, farm_id=invitation.farm_id,
                         point_id=invitation.point_id, canteen_id=invitation.canteen_id)
    with force_locale("fr"):
        role_label = memberships.label(offered)
    subject, text, html = render("invitation", "fr", {
        "invitation": invitation, "role_label": role_label, "inviter": inviter,
        "link_path": invitation_path(invitation.id, invitation.nonce),
        "days": INVITATION_MAX_AGE.days})
    try:
        key = f"invitation:{invitation.id}:{invitation.nonce}"
        message = mail.build(subject, text, html, invitation.email, key, current_app.config)
        mail.send(message, key, current_app.config)
    except Exception:
        db.session.rollback()
        raise
    invitation.sent_dt = utcnow()
    db.session.commit()
    return "sent"
