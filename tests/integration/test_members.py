"""Members and roles: a coordinator invites by e-mail (a signed link that works once, for
seven days, unless revoked), a person holds several roles and switches between them, a
deactivated account can no longer log in but keeps its history. E-mails are read from
the test suite's SMTP server, sent by a real worker."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from paniers.accounts.models import Invitation, Membership, Role
from paniers.extensions import db
from paniers.journal.models import JournalEntry
from paniers.orders.models import Order
from paniers.points.models import PickupPoint
from paniers.types import utcnow
from producers.models import Farm
from tests.conftest import Browser
from tests.integration.week import user
from tests.support.access import membership_of
from tests.support.smtp import mailing_app

COORDINATOR = "coordination@paniers.demo"
HOUSEHOLD = "foyer@paniers.demo"
NEWCOMER = "paul.terrils@example.org"
PASSWORD = "un-bon-mot-de-passe"
LINK = re.compile(r"https?://\S+?(/invitation/[A-Za-z0-9_.\-]+)")
MEMBERS = "/coordination/membres/"
INVITATION_SUBJECT = "Invitation à rejoindre Paniers du Lensois"


@pytest.fixture()
def app(database_url, tmp_path):
    with mailing_app(database_url, tmp_path) as (application, inbox):
        application.inbox = inbox
        yield application


@pytest.fixture()
def coordinator(app):
    browser = Browser(app)
    browser.login(COORDINATOR)
    return browser


def farm_id(code="farm-terrils"):
    return db.session.scalar(select(Farm.id).where(Farm.code == code))


def point_id(code="relay-loos"):
    return db.session.scalar(select(PickupPoint.id).where(PickupPoint.code == code))


def invite(coordinator, email=NEWCOMER, role="farmer", **ties):
    form = {"email": email, "role": role, "farm": "0", "point": "0", "canteen": "0"}
    form.update({name: str(value) for name, value in ties.items()})
    return coordinator.post(MEMBERS + "inviter", form, form_page=MEMBERS)


def link_in_mail(app, email=NEWCOMER, count=1):
    received = app.inbox.wait_for(email, INVITATION_SUBJECT, count=count)[count - 1]
    found = LINK.search(received.text)
    assert found, received.text
    assert found.group(1) in received.html
    return found.group(1)


def logged_in(page):
    return "Se déconnecter" in page.text


def test_an_invited_farmer_follows_the_link_and_declares_for_their_farm(app, coordinator):
    page = invite(coordinator, farm=farm_id())
    assert f"Invitation envoyée à {NEWCOMER}" in page.text
    link = link_in_mail(app)
    mail = app.inbox.to(NEWCOMER)[0]
    assert "Producteur — Ferme des Terrils" in mail.text and "7 jours" in mail.text

    newcomer = Browser(app)
    offer = newcomer.get(link)
    assert offer.status_code == 200 and "Producteur — Ferme des Terrils" in offer.text
    page = newcomer.post(link, {"name": "Paul Terrils", "password": PASSWORD,
                                "confirm": PASSWORD})
    assert logged_in(page) and "Bienvenue" in page.text
    farmer = user(NEWCOMER)
    assert (farmer.role, farmer.farm_id, farmer.name) == (Role.FARMER, farm_id(), "Paul Terrils")
    assert newcomer.get("/producteur/offre").status_code == 200

    again = Browser(app)
    assert logged_in(again.login(NEWCOMER, PASSWORD))
    actions = db.session.scalars(select(JournalEntry.action).order_by(JournalEntry.id)).all()
    assert actions[-2:] == ["member.invited", "member.joined"]


def test_a_link_used_once_no_longer_works(app, coordinator):
    invite(coordinator, farm=farm_id())
    link = link_in_mail(app)
    Browser(app).post(link, {"name": "Paul", "password": PASSWORD, "confirm": PASSWORD})
    second = Browser(app)
    page = second.get(link)
    assert page.status_code == 400 and "n'est plus valable" in page.text
    page = second.post(link, {"name": "Intrus", "password": "autre-mot-de-passe",
                              "confirm": "autre-mot-de-passe"}, form_page="/connexion")
    assert "n'est plus valable" in page.text
    db.session.expire_all()
    assert user(NEWCOMER).name == "Paul" and user(NEWCOMER).check_password(PASSWORD)


def test_an_expired_link_is_refused_and_creates_nothing(app, coordinator):
    invite(coordinator, farm=farm_id())
    link = link_in_mail(app)
    invitation = db.session.scalar(select(Invitation).where(Invitation.email == NEWCOMER))
    invitation.expires_dt = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = Browser(app).get(link)
    assert page.status_code == 400 and "a expiré" in page.text
    assert db.session.scalar(select(Invitation.accepted_dt)
                             .where(Invitation.email == NEWCOMER)) is None


def test_a_revoked_invitation_and_a_resent_one_leave_only_the_last_link_working(
        app, coordinator):
    invite(coordinator, farm=farm_id())
    first = link_in_mail(app)
    invitation_id = db.session.scalar(select(Invitation.id).where(Invitation.email == NEWCOMER))
    page = coordinator.post(f"{MEMBERS}invitations/{invitation_id}/renvoyer", form_page=MEMBERS)
    assert "Invitation renvoyée" in page.text
    second = link_in_mail(app, count=2)
    assert second != first
    assert Browser(app).get(first).status_code == 400
    assert Browser(app).get(second).status_code == 200

    page = coordinator.post(f"{MEMBERS}invitations/{invitation_id}/annuler", form_page=MEMBERS)
    assert "annulée" in page.text
    refused = Browser(app).get(second)
    assert refused.status_code == 400 and "annulé" in refused.text
    assert "member.invitation_revoked" in db.session.scalars(select(JournalEntry.action)).all()


def test_a_farmer_invited_without_a_farm_is_refused_next_to_the_field(app, coordinator):
    page = invite(coordinator)
    assert "Choisissez la ferme de ce producteur." in page.text
    page = invite(coordinator, email="pas-une-adresse", farm=farm_id())
    assert "field-error" in page.text
    assert db.session.scalars(select(Invitation)).all() == []


def test_a_household_invited_as_host_holds_both_roles_and_switches_without_logging_out(
        app, coordinator):
    invite(coordinator, email=HOUSEHOLD, role="relay_host", point=point_id())
    link = link_in_mail(app, email=HOUSEHOLD)
    household = Browser(app)
    household.login(HOUSEHOLD)
    offer = household.get(link)
    assert "déjà un compte" in offer.text
    refused = household.post(link, {"password": "pas-le-bon"})
    assert "Mot de passe incorrect" in refused.text
    page = household.post(link, {"password": "paniers-demo"})
    assert logged_in(page) and "Retraits de mon point" in page.text
    assert user(HOUSEHOLD).role == Role.RELAY_HOST

    roles = {m.role: m.id for m in db.session.scalars(select(Membership).where(
        Membership.user_id == user(HOUSEHOLD).id, Membership.active.is_(True)))}
    assert set(roles) == {Role.HOUSEHOLD, Role.RELAY_HOST}
    assert "Changer de rôle" in page.text
    page = household.post("/role", {"membership": roles[Role.HOUSEHOLD]}, form_page="/")
    assert logged_in(page) and "Vous êtes maintenant : Foyer" in page.text
    assert "Commander" in page.text
    db.session.expire_all()
    assert user(HOUSEHOLD).role == Role.HOUSEHOLD
    assert user(HOUSEHOLD).point_id == point_id()  # the usual point, kept
    assert household.get("/catalogue").status_code == 200


def test_switching_to_a_role_one_does_not_hold_is_refused(app):
    household = Browser(app)
    household.login(HOUSEHOLD)
    other = membership_of(COORDINATOR)
    page = household.post("/role", {"membership": other}, form_page="/compte/")
    assert "Vous n'avez pas ce rôle" in page.text
    db.session.expire_all()
    assert user(HOUSEHOLD).role == Role.HOUSEHOLD


def test_a_coordinator_adds_and_removes_a_role(app, coordinator):
    target = user(HOUSEHOLD)
    prefix = f"p{target.id}-"
    page = coordinator.post(f"{MEMBERS}{target.id}/roles", {
        prefix + "csrf_token": coordinator.csrf(MEMBERS), prefix + "role": "farmer",
        prefix + "farm": "0", prefix + "point": "0", prefix + "canteen": "0"},
        form_page=MEMBERS)
    assert "Choisissez la ferme de ce producteur." in page.text
    page = coordinator.post(f"{MEMBERS}{target.id}/roles", {
        prefix + "csrf_token": coordinator.csrf(MEMBERS), prefix + "role": "farmer",
        prefix + "farm": str(farm_id()), prefix + "point": "0", prefix + "canteen": "0"},
        form_page=MEMBERS)
    assert "Rôle ajouté à Famille Lefebvre" in page.text
    added = db.session.scalar(select(Membership).where(
        Membership.user_id == target.id, Membership.role == Role.FARMER))
    assert added.farm_id == farm_id() and added.active
    page = coordinator.post(f"{MEMBERS}roles/{added.id}/retirer", form_page=MEMBERS)
    assert "Rôle retiré" in page.text
    db.session.expire_all()
    assert not db.session.get(Membership, added.id).active  # kept, for the history
    actions = db.session.scalars(select(JournalEntry.action)).all()
    assert {"member.role_added", "member.role_removed"} <= set(actions)


def test_a_deactivated_account_cannot_log_in_its_sessions_end_and_its_orders_stay(
        app, coordinator):
    household = Browser(app)
    household.login(HOUSEHOLD)
    orders_before = db.session.scalars(select(Order.id).where(
        Order.user_id == user(HOUSEHOLD).id)).all()
    target = user(HOUSEHOLD).id
    confirm = coordinator.get(f"{MEMBERS}{target}/desactiver")
    assert "Désactiver le compte de Famille Lefebvre ?" in confirm.text
    page = coordinator.post(f"{MEMBERS}{target}/desactiver", {"confirm": "oui"})
    assert "est désactivé" in page.text

    assert household.get("/compte/", follow_redirects=False).status_code == 302
    page = Browser(app).post("/connexion", {"email": HOUSEHOLD, "password": "paniers-demo"})
    assert not logged_in(page) and "désactivé" in page.text
    db.session.expire_all()
    assert db.session.scalars(select(Order.id).where(
        Order.user_id == target)).all() == orders_before
    assert user(HOUSEHOLD).name == "Famille Lefebvre"

    coordinator.post(f"{MEMBERS}{target}/reactiver", form_page=MEMBERS)
    assert logged_in(Browser(app).login(HOUSEHOLD))


def test_a_coordinator_cannot_deactivate_themself_nor_leave_the_collective_without_one(
        app, coordinator):
    me = user(COORDINATOR)
    page = coordinator.post(f"{MEMBERS}{me.id}/desactiver", {"confirm": "oui"},
                            form_page=MEMBERS)
    assert "votre propre compte" in page.text
    db.session.expire_all()
    assert user(COORDINATOR).deactivated_dt is None
    # The demo's coordinator also orders as a household; removing the coordination
    # role would leave the collective without one.
    from paniers.accounts import memberships

    memberships.add_role(user(COORDINATOR), Role.HOUSEHOLD)
    own = db.session.scalar(select(Membership.id).where(
        Membership.user_id == me.id, Membership.role == Role.COORDINATOR))
    page = coordinator.post(f"{MEMBERS}roles/{own}/retirer", form_page=MEMBERS)
    assert "au moins une personne à la coordination" in page.text
    db.session.expire_all()
    assert user(COORDINATOR).role == Role.COORDINATOR


def test_the_migration_gives_every_existing_account_the_membership_of_its_role(
        database_url):
    """The demo's accounts, as they stood before memberships: after the migration each
    holds its role, tied to its farm, point or canteen."""
    from sqlalchemy import create_engine, text

    from paniers.migrate import downgrade, upgrade

    downgrade(database_url, "0010_canteen_identity")
    upgrade(database_url)
    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT u.email, m.role, m.farm_id = u.farm_id, m.point_id = u.point_id, "
            "m.canteen_id = u.canteen_id, m.active FROM memberships m "
            "JOIN users u ON u.id = m.user_id")).all()
    engine.dispose()
    held = {email: (role, bool(farm), bool(point), bool(canteen), bool(active))
            for email, role, farm, point, canteen, active in rows}
    # (role, same farm, same point, same canteen, active); NULL = NULL is not true
    assert held["producteur@paniers.demo"][:2] == ("farmer", True)
    assert (held["hote@paniers.demo"][0], held["hote@paniers.demo"][2]) == ("relay_host", True)
    assert (held["cantine@paniers.demo"][0], held["cantine@paniers.demo"][3]) == (
        "canteen_manager", True)
    assert held["coordination@paniers.demo"] == ("coordinator", False, False, False, True)
    assert len(rows) == len(held)  # one each


def test_a_farmer_who_also_orders_is_told_when_the_week_opens(app):
    from paniers.accounts import memberships
    from paniers.notifications import services as notifications
    from paniers.notifications.models import Kind, OutboundMessage
    from tests.integration.week import open_week

    farmer = user("producteur@paniers.demo")
    memberships.add_role(farmer, Role.HOUSEHOLD, point_id=point_id())
    cycle = open_week()
    notifications.notify_cycle_open(cycle.id)
    told = db.session.scalars(select(OutboundMessage.user_id).where(
        OutboundMessage.kind == Kind.CYCLE_OPEN, OutboundMessage.cycle_id == cycle.id)).all()
    assert farmer.id in told and user(HOUSEHOLD).id in told
    assert user(COORDINATOR).id not in told
