"""Every route of the application against every role: who may reach it is declared
once, in ACCESS, and a route that is not declared there fails the test.

A role that may reach a route gets the page, a redirect or a refusal of the form
(never 403 or 404 from the access check); a visitor is sent to the login page; a
signed-in role that may not reach it gets 403. Nobody ever gets a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from paniers.accounts.tokens import confirmation_token
from tests.integration.week import user
from tests.support.access import (
    Answer,
    Visitor,
    World,
    build_world,
    membership_of,
    pending_invitation,
)
from tests.support.invoices import invoice_for

ACCOUNTS = {
    "anonymous": None,
    "household": "foyer@paniers.demo",
    "farmer": "producteur@paniers.demo",
    "canteen": "cantine@paniers.demo",
    "host": "hote@paniers.demo",
    "coordinator": "coordination@paniers.demo",
}
ANYONE = frozenset(ACCOUNTS)
SIGNED_IN = ANYONE - {"anonymous"}
HOUSEHOLD = frozenset({"household"})
FARMER = frozenset({"farmer"})
CANTEEN = frozenset({"canteen"})
COORDINATOR = frozenset({"coordinator"})
AT_THE_POINT = frozenset({"host", "coordinator"})
WEBHOOK = "webhook"  # CSRF-exempt, signature-checked: refused alike for everyone
PARTNER = "partner"  # a partner's bearer token, never a session: 401 alike for everyone

ACCESS: dict[str, frozenset[str] | str] = {
    "main.home": ANYONE,
    "static": ANYONE,
    "health.health": ANYONE,
    "accounts.login": ANYONE,
    "accounts.register": ANYONE,
    "accounts.confirm": ANYONE,
    "accounts.switch_language": ANYONE,
    "accounts.logout": SIGNED_IN,
    "accounts.switch_role": SIGNED_IN,
    "accounts.forgot_password": ANYONE,
    "accounts.reset_password": ANYONE,
    "accounts.accept_invitation": ANYONE,
    "profile.change_password": SIGNED_IN,
    "profile.page": SIGNED_IN,
    "profile.choose_messages": SIGNED_IN,
    "profile.delete": SIGNED_IN,
    "payments.webhook": WEBHOOK,
    # households
    "orders.catalogue_page": HOUSEHOLD,
    "orders.mine": HOUSEHOLD | CANTEEN,
    "orders.cancel": HOUSEHOLD | CANTEEN,
    "subscriptions.page": HOUSEHOLD,
    "subscriptions.pauses": HOUSEHOLD,
    "subscriptions.stop": HOUSEHOLD,
    "payments.confirm": HOUSEHOLD,
    "payments.pay_by_card": HOUSEHOLD,
    "payments.at_pickup_instead": HOUSEHOLD,
    "payments.back": HOUSEHOLD,
    # farmers
    "producers.supply": FARMER,
    "producers.week": FARMER,
    "reports.farm_sales": FARMER,
    "canteens.demand": FARMER | COORDINATOR,
    # canteen managers
    "canteens.figures": CANTEEN,
    "canteens.figures_csv": CANTEEN,
    "canteens.order": CANTEEN,
    "canteens.plan": CANTEEN,
    "canteens.edit_meal": CANTEEN,
    "canteens.start_plan": CANTEEN,
    "canteens.dishes": CANTEEN,
    "canteens.edit_dish": CANTEEN,
    "canteens.forecast": CANTEEN,
    "canteens.week_order": CANTEEN,
    "canteens.closures_page": CANTEEN,
    "canteens.remove_closure": CANTEEN,
    "canteens.siret": CANTEEN,
    "canteens.macantine_csv": CANTEEN,
    # relay hosts (and the coordinator standing in for one)
    "points.evening": AT_THE_POINT,
    "points.check_off": AT_THE_POINT,
    "points.printable": AT_THE_POINT,
    "points.close_evening": AT_THE_POINT,
    "points.undo_check_off": AT_THE_POINT,
    "points.reopen_evening": COORDINATOR,
    "payments.record_at_pickup": AT_THE_POINT,
    "allocation.packing_list": AT_THE_POINT,
    # coordination
    "cycles.index": COORDINATOR,
    "cycles.show": COORDINATOR,
    "cycles.move": COORDINATOR,
    "allocation.allocation": COORDINATOR,
    "allocation.run_allocation": COORDINATOR,
    "allocation.publish": COORDINATOR,
    "allocation.set_composition": COORDINATOR,
    "delivery.fleet": COORDINATOR,
    "delivery.edit": COORDINATOR,
    "delivery.rounds": COORDINATOR,
    "delivery.rounds_this_week": COORDINATOR,
    "delivery.run_planning": COORDINATOR,
    "delivery.route_sheet": COORDINATOR,
    "notifications.log_page": COORDINATOR,
    "notifications.remind_now": COORDINATOR,
    "journal.index": COORDINATOR,
    "members.index": COORDINATOR,
    "members.invite": COORDINATOR,
    "members.resend": COORDINATOR,
    "members.revoke": COORDINATOR,
    "members.add_role": COORDINATOR,
    "members.remove_role": COORDINATOR,
    "members.deactivate": COORDINATOR,
    "members.reactivate": COORDINATOR,
    "network_import.upload": COORDINATOR,
    "network_import.confirm": COORDINATOR,
    "network_import.download": COORDINATOR,
    "payments.overview": COORDINATOR,
    "payments.overview_csv": COORDINATOR,
    "payments.statements": COORDINATOR,
    "payments.statements_csv": COORDINATOR,
    "payments.eligibility": COORDINATOR,
    # the network (« Réseau »): coordinators administer it; a farmer keeps their own
    # farm's profile, a host their own point's access notes
    "network.index": COORDINATOR,
    "network.listing": COORDINATOR,
    "network.create": COORDINATOR,
    "network.edit": COORDINATOR,
    "network.deactivate": COORDINATOR,
    "network.reactivate": COORDINATOR,
    "network.farm_profile": FARMER,
    "network.point_access": frozenset({"host"}),
    "reports.index": COORDINATOR,
    "reports.show": COORDINATOR,
    "partners.tokens": COORDINATOR,
    "partners.revoke": COORDINATOR,
    # partners (an Open Food Network hub...): the DFC catalogue, with their token only
    "partners.dfc_catalogue": PARTNER,
    "partners.dfc_index": PARTNER,
    # invoices and the news sheet
    "invoices.index": COORDINATOR,
    "invoices.issue_canteen_month": COORDINATOR,
    "invoices.credit_note": COORDINATOR,
    "invoices.show": COORDINATOR | CANTEEN | HOUSEHOLD,
    "invoices.pdf": COORDINATOR | CANTEEN | HOUSEHOLD,
    "invoices.canteen": CANTEEN,
    "invoices.order_invoice": HOUSEHOLD,
    "news.edit": COORDINATOR,
}


def _own_order(world: World, role: str) -> int | None:
    """The role's own order (a canteen's for the manager; the host's point's otherwise)."""
    return world.canteens[0].order_id if role == "canteen" else world.households[0].order_id


# How each route argument is filled, from the week the test builds; a route with an
# argument not named here fails the test.
ARGUMENTS: dict[str, Callable[[World, str], Any]] = {
    "cycle_id": lambda world, role: world.cycle_id,
    "format_id": lambda world, role: world.format_id,
    "route_id": lambda world, role: world.route_id,
    "vehicle_id": lambda world, role: world.vehicle_id,
    "point_id": lambda world, role: world.hosts[0].point_id,
    "order_id": _own_order,
    # Only the canteen's own test plans menus (seconds of solver): the others are
    # refused before any plan is looked up.
    "plan_id": lambda world, role: world.canteens[0].plan_id or 1,
    "day": lambda world, role: world.canteens[0].plan_day or "2030-01-07",
    "dish_id": lambda world, role: 1,
    "closure_id": lambda world, role: world.closure_id,
    "move": lambda world, role: "clore",
    "code": lambda world, role: "fr",
    # Members: the second household, its role and an invitation pending.
    "user_id": lambda world, role: user(world.households[1].email).id,
    "membership_id": lambda world, role: membership_of(world.households[1].email),
    "invitation_id": lambda world, role: pending_invitation(),
    "filename": lambda world, role: "paniers.css",
    "report": lambda world, role: "ventes-fermes",
    "farm_id": lambda world, role: 1,
    # A valid link (the household's address, confirmed already: following it again is
    # harmless); bad links are tests/integration/test_confirmation.py's.
    # The network's pages: the demo farmer's farm (their own, nobody else's).
    "kind": lambda world, role: "fermes",
    "thing_id": lambda world, role: user("producteur@paniers.demo").farm_id,
    "token": lambda world, role: confirmation_token(user(world.households[0].email)),
    "invoice_id": invoice_for,
}
# The least a form needs to reach past its own refusal to a decision.
FORMS: dict[str, Callable[[World], dict[str, Any]]] = {
    "payments.eligibility": lambda world: {"user_id": user(world.households[0].email).id,
                                           "eligible": "1"},
}
# Pages that say which point through the query string: the host's own point.
POINT_IN_QUERY = {"points.evening", "points.printable", "points.close_evening",
                  "points.reopen_evening"}
# These end the session: they come last, and the role signs in again after them.
SIGNS_OUT = ("accounts.logout", "profile.delete")
FORM_EXPIRED = "formulaire expiré"


def requests_of(app: Any, world: World, role: str) -> list[tuple[str, str, str]]:
    """(endpoint, method, path) for every rule and method, those that sign out last."""
    requests = []
    app.url_map.update()
    for rule in app.url_map.iter_rules():
        missing = [arg for arg in rule.arguments if arg not in ARGUMENTS]
        assert not missing, f"{rule.endpoint} ({rule.rule}): no way to fill {missing}"
        built = rule.build({arg: ARGUMENTS[arg](world, role) for arg in rule.arguments})
        assert built is not None, f"{rule.rule} cannot be built"
        path = built[1]
        if rule.endpoint in POINT_IN_QUERY:
            path += f"?point={world.hosts[0].point_id}"
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            requests.append((rule.endpoint, method, path))
    return sorted(requests, key=lambda r: r[0] in SIGNS_OUT)


def verdict(endpoint: str, role: str, response: Answer) -> str | None:
    """What is wrong with the answer, or None."""
    status, text = response.status_code, response.text
    expected = ACCESS[endpoint]
    if status >= 500:
        return f"{status}"
    if expected == WEBHOOK:
        if text not in ("payments disabled", "invalid signature"):
            return f"{status} {text[:60]!r}, not a refused signature"
        return None
    if expected == PARTNER:
        return None if status == 401 else f"{status}, not 401 without a partner's token"
    signed_out = status == 302 and response.location.split("?")[0].endswith("/connexion")
    if role in expected:
        if signed_out and role != "anonymous" and endpoint not in SIGNS_OUT:
            return "sent to the login page while signed in"
        if status < 400 or (status in (400, 409) and FORM_EXPIRED not in text):
            return None
        return f"{status} for a role that may reach it"
    if role == "anonymous":
        if signed_out:
            return None
        return f"{status} to {response.location}, not the login page"
    return None if status == 403 else f"{status}, not 403"


def test_every_route_declares_who_may_reach_it(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    undeclared = sorted(endpoints - set(ACCESS))
    assert not undeclared, f"routes with no entry in ACCESS: {undeclared}"
    assert not set(ACCESS) - endpoints, f"ACCESS names gone routes: {set(ACCESS) - endpoints}"


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_each_role_reaches_exactly_its_routes(app, role):
    app.config.update(CANTEEN_PLAN_TIME_LIMIT_S=3, CANTEEN_PLAN_WORKERS=1)
    world = build_world(plans=role == "canteen")
    visitor = Visitor(app, ACCOUNTS[role])
    wrong = []
    for endpoint, method, path in requests_of(app, world, role):
        assert endpoint in ACCESS, f"{endpoint} ({path}) has no entry in ACCESS"
        if method == "GET":
            response = visitor.get(path)
        else:
            form = FORMS[endpoint](world) if endpoint in FORMS else {}
            response = visitor.post(path, form, csrf=ACCESS[endpoint] != WEBHOOK)
        problem = verdict(endpoint, role, response)
        if problem:
            wrong.append(f"{method} {path} ({endpoint}): {problem}")
        if endpoint in SIGNS_OUT and role != "anonymous":
            visitor.sign_in()
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
