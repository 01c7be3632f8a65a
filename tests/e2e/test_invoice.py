"""A household asks for its invoice from a phone: the page fits the screen, runs nothing
inline, and the invoice is the one issued the first time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import csp_violations
from tests.e2e.test_household_orders import HOUSEHOLD, PASSWORD, assert_fits_the_phone


@pytest.fixture()
def published(e2e_app: Any, live_server: Callable[[Any], str]) -> str:
    """A week with the household's order, allocated and published; the app's base URL."""
    from paniers.extensions import db
    from tests.integration.test_invoices import published_week

    with e2e_app.app_context():
        published_week(canteen=False)
        db.session.remove()
    return live_server(e2e_app)


@pytest.mark.browser
def test_a_household_gets_its_invoice_on_a_phone(published: str, phone: Any,
                                                 artifacts: Path) -> None:
    page = phone
    refused = csp_violations(page)
    page.goto(published + "/connexion")
    page.get_by_label("Adresse e-mail").fill(HOUSEHOLD)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(published + "/mes-commandes")
    page.get_by_role("button", name="Facture").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Facture n° F")
    number = page.get_by_role("heading", level=1).inner_text()
    expect(page.get_by_text("TVA non applicable, art. 293 B du CGI")).to_be_visible()
    assert_fits_the_phone(page)
    page.screenshot(path=str(artifacts / "invoice-phone.png"), full_page=True)

    page.goto(published + "/mes-commandes")
    page.get_by_role("link", name="Facture").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(number)
    assert refused == []
