"""The journal: the week's moves and the hosts' records, with who did them and when."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from paniers.allocation import services as allocating
from paniers.cycles import services as cycles
from paniers.cycles.models import OrderCycle
from paniers.extensions import db
from paniers.formatting import long_date
from paniers.journal.models import JournalEntry
from paniers.points import services as evenings
from paniers.points.models import EveningOutcome
from tests.integration.test_evening import evening_of_delivery, two_orders_at_loos
from tests.integration.week import open_week, user

COORDINATOR = "coordination@paniers.demo"
JOURNAL = "/coordination/journal/"


def lines(action: str) -> list[JournalEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(JournalEntry).where(JournalEntry.action == action)))


def test_the_coordinators_moves_of_a_week_are_in_the_journal_with_who_and_when(browser):
    browser.login(COORDINATOR)
    delivery = date.today() + timedelta(days=10)
    browser.post("/coordination/cycles", {
        "delivery_date": delivery.isoformat(),
        "cutoff": (delivery - timedelta(days=2)).isoformat() + "T06:00",
        "quota_small": "30", "quota_medium": "40", "quota_large": "20"})
    cycle = db.session.scalar(select(OrderCycle).where(OrderCycle.delivery_date == delivery))
    show = f"/coordination/cycles/{cycle.id}"
    browser.post(show + "/ouvrir", {"confirmed": "1"}, form_page=show)
    browser.post(show + "/clore", {"confirmed": "1"}, form_page=show)
    refused = browser.post(show + "/clore", {"confirmed": "1"}, form_page=show).text
    assert "Impossible" in refused

    page = browser.get(JOURNAL).text
    day = long_date(delivery)
    for sentence in (f"Cycle créé pour la livraison du {day}",
                     f"Commandes ouvertes pour la livraison du {day}",
                     f"Commandes closes pour la livraison du {day}"):
        assert sentence in page
    assert page.count("Claire Coordination") >= 3
    # The refused second close left no line.
    assert len(lines("cycle.closed")) == 1
    assert {entry.actor_id for entry in lines("cycle.opened")} == {user(COORDINATOR).id}


def test_the_journal_filters_by_person_kind_and_week(browser):
    first = open_week()  # created and opened outside any request, as the scheduler would
    browser.login(COORDINATOR)
    show = f"/coordination/cycles/{first.id}"
    browser.post(show + "/clore", {"confirmed": "1"}, form_page=show)
    coordinator = user(COORDINATOR).id

    by_week = browser.get(f"{JOURNAL}?kind=cycle&week={first.id}").text
    assert "Commandes ouvertes" in by_week and "Commandes closes" in by_week
    assert "automatique" in by_week  # nobody is named for what no person did
    theirs = browser.get(f"{JOURNAL}?person={coordinator}").text
    assert "Commandes closes" in theirs and "Commandes ouvertes" not in theirs
    other_kind = browser.get(f"{JOURNAL}?kind=evening").text
    assert "Rien au journal pour ces critères." in other_kind

    # A filter that does not exist is said so next to its field, and everything is shown.
    bad = browser.get(f"{JOURNAL}?kind=nimporte&week=abc")
    assert bad.status_code == 200
    assert bad.text.count('class="field-error"') == 2
    assert "Commandes ouvertes" in bad.text and "Commandes closes" in bad.text


def test_a_cycle_closed_at_its_cutoff_is_journalled_once_as_automatic(app):
    cycle = open_week()
    after_cutoff = cycle.cutoff_dt + timedelta(minutes=1)
    assert cycles.close_due_cycles(after_cutoff) == [cycle.id]
    assert cycles.close_due_cycles(after_cutoff) == []
    closed = lines("cycle.closed")
    assert len(closed) == 1 and closed[0].actor_id is None and closed[0].cycle_id == cycle.id


def test_the_hosts_evening_and_the_publication_are_journalled(browser):
    cycle, collected, _missed = two_orders_at_loos()
    cycles.close_cycle(cycle.id)
    allocating.allocate_cycle(cycle.id)
    allocating.publish_allocation(cycle.id)
    allocating.publish_allocation(cycle.id)  # a second publication changes nothing
    assert len(lines("allocation.published")) == 1

    host = user("hote@paniers.demo")
    evenings.check_off(host, collected.id, now=evening_of_delivery(cycle))
    evenings.close_evening(host, cycle.id, EveningOutcome.KEPT, "",
                           now=evening_of_delivery(cycle))
    (closed,) = lines("evening.closed")
    assert closed.actor_id == host.id and closed.subject
    browser.login(COORDINATOR)
    page = browser.get(f"{JOURNAL}?kind=evening").text
    assert "Karim Relais" in page
    assert (f"Soirée close (livraison du {long_date(cycle.delivery_date)}) : "
            "1 panier retiré, 1 non retiré") in page
    published = browser.get(f"{JOURNAL}?kind=allocation").text
    assert "Répartition publiée pour la livraison du" in published


def test_the_journal_reads_in_english_for_an_english_speaker(browser):
    open_week()
    browser.login(COORDINATOR)
    coordinator = user(COORDINATOR)
    coordinator.locale = "en"
    db.session.commit()
    page = browser.get(JOURNAL).text
    assert "Ordering opened for the delivery of" in page
    assert "Commandes ouvertes" not in page


def test_only_what_was_committed_is_journalled(app):
    delivery = date.today() + timedelta(days=12)
    cutoff = datetime.combine(delivery - timedelta(days=2), datetime.min.time()).astimezone()
    before = db.session.scalar(select(func.count(JournalEntry.id)))
    try:
        with cycles.transaction():
            cycles.create_cycle(delivery, cutoff, [])
            raise RuntimeError("the caller fails after the cycle was created")
    except RuntimeError:
        pass
    assert db.session.scalar(select(func.count(JournalEntry.id))) == before
