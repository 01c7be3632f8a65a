"""Hostile values posted into every field of the forms people fill in, as the right role
with a valid CSRF token: numbers out of range, overflows, unicode digits, NUL bytes,
100 kB strings, markup, bidirectional overrides, ids beyond any row.

Whatever is sent, the answer is never a server error, and a refused post (the form
shown again, or a 4xx) changes nothing that the form could have written.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html.parser import HTMLParser
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from paniers.cycles import services as cycles
from paniers.cycles.models import BasketFormat
from paniers.cycles.states import PARIS
from paniers.extensions import db
from paniers.invoices import services as invoicing
from producers.models import Product
from tests.integration.week import DELIVERY, open_week

EXAMPLES = 25  # per form: the suite stays fast, and every run draws others
HOUSEHOLD = "foyer@paniers.demo"
FARMER = "producteur@paniers.demo"
MANAGER = "cantine@paniers.demo"
COORDINATOR = "coordination@paniers.demo"

HOSTILE = [
    "-1", "0", "2001", "99999999999", "1e999999", "-1e999999", "1E+400", "NaN", "-nan",
    "Infinity", "²", "٣", "12²", "9" * 5000, "0." + "1" * 5000, "\x00", "1\x00",
    "x" * 100_000, "<script>alert(1)</script>", "\" onmouseover=\"x", "\u202egpj.exe\u202c",
    "\u2066x\u2069", str(2**63), str(2**64 + 1), "-" + str(2**63), "0x1F", " ", "1,2,3",
    "2,5 tonnes", "1e12 kg", "1000000000000", "2026-02-30", "9999-99-99", "../../etc",
    "%00", "\ufeff1", "1\u202f000", "é",
]
hostile = st.sampled_from(HOSTILE) | st.text(max_size=30)

# The tables the fuzzed forms may write to.
WRITTEN = ["orders", "order_lines", "product_stocks", "supply_offers", "subscriptions",
           "subscription_extras", "canteen_meal_forecasts", "canteen_dishes",
           "canteen_dish_ingredients", "basket_items", "solidarity_funds", "invoices",
           "news_sheets"]


class Forms(HTMLParser):
    """The fields of a page's forms, as a browser would post them untouched."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self.forms.append({})
        if not self.forms or "name" not in a and tag != "option":
            return
        fields = self.forms[-1]
        if tag == "input" and a.get("type") not in ("submit", "button"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                fields[a["name"]] = a.get("value", "")
            else:
                fields.setdefault(a["name"], "")
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select:
            if self._select not in self.forms[-1] or "selected" in a:
                fields[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            fields[a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None


def form_with(html: str, field: str) -> dict[str, str]:
    parser = Forms()
    parser.feed(html)
    found = [form for form in parser.forms if field in form]
    assert found, f"no form with the field {field}"
    return found[0]


def written() -> dict[str, list[tuple[Any, ...]]]:
    db.session.rollback()  # a new transaction: what the requests committed
    return {table: [tuple(row) for row in db.session.execute(
        text(f"SELECT * FROM {table} ORDER BY id"))] for table in WRITTEN}


def fuzz(browser: Any, path: str, marker: str | None, *, form_page: str | None = None,
         defaults: dict[str, str] | None = None) -> dict[str, int]:
    """Post ``EXAMPLES`` hostile variations of the form holding the field ``marker`` (or,
    without one, of ``defaults``); the figures."""
    page = form_page or path
    form = (form_with(browser.get(page).html, marker) if marker
            else {"csrf_token": browser.csrf(page)}) | (defaults or {})
    names = sorted(name for name in form if name != "csrf_token")
    figures = {"fields": len(names), "examples": 0, "refused": 0}

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.lists(st.tuples(st.sampled_from(names), hostile), min_size=1, max_size=3))
    def post(changes: list[tuple[str, str]]) -> None:
        before = written()
        with browser.app.app_context():
            response = browser.client.post(path, data=form | dict(changes))
        figures["examples"] += 1
        assert response.status_code < 500, (changes, response.status_code)
        if response.status_code not in (302, 303):  # refused: the form again, or a 4xx
            figures["refused"] += 1
            assert written() == before, changes

    post()
    print(f"{path}: {figures}")  # the figures of the run, shown with -s
    return figures


def test_the_household_catalogue_survives_hostile_values(browser):
    open_week()
    browser.login(HOUSEHOLD)
    figures = fuzz(browser, "/catalogue", "products-0-quantity")
    assert figures["examples"] == EXAMPLES and figures["fields"] >= 5


def test_the_subscription_form_survives_hostile_values(browser):
    browser.login(HOUSEHOLD)
    fuzz(browser, "/abonnement/", "extras-0-product_id",
         defaults={"format_code": "small", "frequency": "weekly"})


def test_the_farmer_supply_form_survives_hostile_values(browser):
    cycles.create_cycle(*_draft_week())
    browser.login(FARMER)
    fuzz(browser, "/producteur/offre", "lines-0-price")


def test_the_canteen_forecast_survives_hostile_values(browser):
    browser.login(MANAGER)
    fuzz(browser, "/cantine/previsions", "days-0-day")


def test_the_canteen_order_survives_hostile_values(browser):
    open_week()
    browser.login(MANAGER)
    fuzz(browser, "/cantine/commande", "products-0-quantity")


def test_the_dish_form_survives_hostile_values(browser):
    browser.login(MANAGER)
    fuzz(browser, "/cantine/plats/nouveau", "ingredients-0-grams")


def test_the_composition_form_survives_hostile_values(browser):
    cycle = open_week()
    cycles.close_cycle(cycle.id)
    fmt = db.session.scalar(select(BasketFormat).where(BasketFormat.cycle_id == cycle.id))
    browser.login(COORDINATOR)
    potato = db.session.scalar(select(Product.id).where(Product.name == "Pomme de terre"))
    prefix = f"format-{fmt.id}"
    # Before any allocation the page shows no composition form: its fields, as it names them.
    fuzz(browser, f"/coordination/cycles/{cycle.id}/formats/{fmt.id}/composition", None,
         form_page=f"/coordination/cycles/{cycle.id}/repartition", defaults={
             f"{prefix}-items-0-product_id": str(potato), f"{prefix}-items-0-quantity": "1",
             f"{prefix}-add_product": str(potato), f"{prefix}-add_quantity": "0,5"})


def test_the_solidarity_fund_form_survives_hostile_values(browser):
    cycle = open_week()
    browser.login(COORDINATOR)
    path = f"/coordination/paiements?cycle={cycle.id}"
    fuzz(browser, path, "budget")


def test_the_credit_note_form_survives_hostile_values(browser):
    from tests.integration.test_invoices import published_week

    cycle, _order, _canteen = published_week()
    (invoice,) = invoicing.canteen_month_invoices(cycle.delivery_date.year,
                                                  cycle.delivery_date.month).issued
    browser.login(COORDINATOR)
    fuzz(browser, f"/coordination/factures/{invoice.id}/avoir", "reason",
         form_page=f"/factures/{invoice.id}")


def test_the_month_invoicing_and_news_sheet_forms_survive_hostile_values(browser):
    cycle = open_week()
    browser.login(COORDINATOR)
    fuzz(browser, "/coordination/factures/cantines", "month",
         form_page="/coordination/factures/")
    fuzz(browser, f"/coordination/cycles/{cycle.id}/feuille-de-chou", "body")


def _draft_week() -> tuple[Any, ...]:
    """A cycle in draft, before its cutoff: the one farmers declare their supply for."""
    cutoff = datetime.combine(DELIVERY - timedelta(days=2), datetime.min.time(), PARIS)
    specs = [cycles.FormatSpec(code, price, weight, 5)
             for code, price, weight, _m in cycles.DEFAULT_FORMATS]
    return DELIVERY, cutoff, specs
