"""The weekly news sheet: written by a coordinator, sent with the pickup reminder, printed
under the host's list; whatever is typed is shown as text, never run as markup."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from paniers.extensions import db
from paniers.news import services as news
from paniers.news.models import NewsSheet
from paniers.notifications import services as notifications
from paniers.orders import services as orders
from tests.integration.week import delivered_today, open_week, product, user
from tests.support.smtp import mailing_app

HOUSEHOLD = "foyer@paniers.demo"
COORDINATOR = "coordination@paniers.demo"
HOST = "hote@paniers.demo"
SHEET = ("Chez les Marais, les poireaux sont **superbes** cette semaine.\n\n"
         "Recette : *soupe poireaux-pommes de terre*\n- 2 poireaux\n- 500 g de pommes de terre")
HOSTILE = ('<script>alert("x")</script><img src="http://tracker.example/p.gif"> '
           "& [lien](javascript:alert(1))")


def write(cycle_id: int, body: str, title: str = "La feuille de chou n° 12") -> None:
    news.write_sheet(user(COORDINATOR), cycle_id, title, body)


def test_the_coordinator_writes_the_sheet_from_the_cycle(browser):
    cycle = open_week()
    browser.login(COORDINATOR)
    assert f"/coordination/cycles/{cycle.id}/feuille-de-chou" in browser.get(
        f"/coordination/cycles/{cycle.id}").html
    path = f"/coordination/cycles/{cycle.id}/feuille-de-chou"
    saved = browser.post(path, {"title": "Feuille n° 12", "body": SHEET})
    assert "Feuille de chou enregistrée" in saved.text
    assert "<strong>superbes</strong>" in saved.html and "<li>2 poireaux</li>" in saved.html
    too_long = browser.post(path, {"title": "", "body": "x" * 4001})
    assert too_long.status_code == 400 and "Au plus 4000 caractères" in too_long.text
    assert news.sheet_of(cycle.id).body == SHEET
    assert db.session.scalar(select(func.count(NewsSheet.id))) == 1


def test_the_hosts_printable_list_carries_the_sheet_with_the_html_escaped(browser):
    cycle = open_week()
    household = user(HOUSEHOLD)
    orders.place_order(household, cycle.id, household.point_id,
                       orders.Cart({}, {product("Œufs").id: 1}))
    delivered_today(cycle)
    write(cycle.id, SHEET + "\n\n" + HOSTILE)
    browser.login(HOST)
    page = browser.get("/relais/liste-imprimable")
    assert "La feuille de chou n° 12" in page.text
    assert "<strong>superbes</strong>" in page.html
    assert "<li>500 g de pommes de terre</li>" in page.html
    assert "<script>alert" not in page.html and "<img src=\"http://tracker" not in page.html
    assert "&lt;script&gt;" in page.html and 'href="javascript' not in page.html
    assert '<script>alert("x")</script>' in page.text  # shown as the characters typed


@pytest.fixture()
def mailing(database_url, tmp_path):
    with mailing_app(database_url, tmp_path) as (application, inbox):
        application.inbox = inbox
        yield application


def test_the_pickup_reminder_carries_the_sheet(mailing):
    cycle = open_week()
    household = user(HOUSEHOLD)
    orders.place_order(household, cycle.id, household.point_id,
                       orders.Cart({}, {product("Œufs").id: 1}))
    write(cycle.id, SHEET + "\n" + HOSTILE)
    notifications.remind_today(cycle.delivery_date)
    mail = mailing.inbox.wait_for(HOUSEHOLD, "Rappel")[-1]
    assert "La feuille de chou n° 12" in mail.text
    assert "les poireaux sont **superbes**" in mail.text  # the text part: as typed
    assert "<strong>superbes</strong>" in mail.html
    assert "<li>2 poireaux</li>" in mail.html
    assert "<script>" not in mail.html and "&lt;script&gt;" in mail.html
    assert "<img" not in mail.html
