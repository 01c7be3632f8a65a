"""The allocation's diagnoses reach the coordinator in their language: French on French
pages (units, euros, basket names), English for an English reader, never the optimiser's
own English sentence on a French page."""

from __future__ import annotations

import re

import pytest

from paniers.allocation import diagnoses
from paniers.allocation.optimiser.week import Diagnosis
from paniers.cycles import services as cycles
from paniers.extensions import db
from paniers.jobs.models import CycleJob, JobStatus
from tests.integration.week import open_week, product, user

DIAGNOSES = [
    Diagnosis("no_supply", "No supply declared this week."),
    Diagnosis("too_few_products", "Only 2 products in season: small baskets need at least 4.",
              params={"format": "small", "products": 2, "needed": 4}),
    Diagnosis("fixed_out_of_tolerance", "The hand-set small basket breaks the price rule",
              params={"format": "small", "rules": "price,weight"}),
    Diagnosis("not_enough_supply", "Not enough varied produce to fill one medium basket",
              params={"format": "medium", "price_cents": 1800, "tolerance_pct": 10}),
    Diagnosis("price_unreachable", "Prices cannot reach 18.00 EUR within ±10 %",
              params={"format": "medium", "price_cents": 1800, "tolerance_pct": 10,
                      "reachable_cents": 1530}),
    Diagnosis("no_composition", "No mix of this week's produce meets price, weight...",
              params={"format": "large", "price_cents": 2400, "tolerance_pct": 10}),
    Diagnosis("recomposed", "The small baskets were recomposed (2 times).",
              params={"format": "small", "times": 2}),
    Diagnosis("basket_cut", "3 medium baskets could not be filled (2 order lines).",
              params={"format": "medium", "baskets": 3, "lines": 2}),
    Diagnosis("product_short", "Pomme de terre: 2.5 kg short (1 order line).",
              product_id=1, params={"product": "Pomme de terre", "quantity": 2500, "lines": 1}),
]
ENGLISH = re.compile(r"\b(baskets?|short|could not|declared|season|need|recomposed|times|"
                     r"order lines?|EUR|within|the)\b")


def allocated_week_with(entries):
    cycle = open_week()
    cycles.close_cycle(cycle.id)
    units = {product("Pomme de terre").id: "kg"}
    job = CycleJob(cycle_id=cycle.id, kind="allocation", status=JobStatus.DONE,
                   progress_pct=100, summary={"diagnoses": [
                       diagnoses.stored(d if d.code != "product_short" else Diagnosis(
                           d.code, d.message, product_id=product("Pomme de terre").id,
                           params=d.params), units) for d in entries]})
    db.session.add(job)
    db.session.commit()
    return cycle


def test_every_diagnosis_reads_in_french_on_the_allocation_page(browser):
    cycle = allocated_week_with(DIAGNOSES)
    browser.login("coordination@paniers.demo")
    page = browser.get(f"/coordination/cycles/{cycle.id}/repartition").text
    said = re.search(r"<h2>À savoir</h2>\s*<ul>(.*?)</ul>", page, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", said, re.S)
    assert len(items) == len(DIAGNOSES)
    for item in items:
        assert not ENGLISH.search(item), item
    text = " ".join(items)
    assert "2 produits de saison seulement : « Petit panier » en demande au moins 4." in text
    assert "ne respecte pas : le prix, le poids" in text
    assert "au plus près, 15,30\xa0€" in text
    assert "3 paniers « Panier moyen » n&#39;ont pas pu être remplis (2 lignes de commande)" \
        in text or "3 paniers « Panier moyen » n'ont pas pu être remplis" in text
    assert "Pomme de terre : il en manque 2,5 kg (1 ligne de commande)." in text


@pytest.mark.parametrize("entry", DIAGNOSES, ids=[d.code for d in DIAGNOSES])
def test_an_english_reader_gets_english(app, entry):
    from flask_babel import force_locale

    stored = diagnoses.stored(entry, {1: "kg"})
    with app.test_request_context(), force_locale("en"):
        sentence = diagnoses.say(stored)
    assert sentence and not re.search(r"\b(les|des|panier|produits|pas)\b", sentence), sentence


def test_a_job_from_before_keeps_its_sentence(app):
    assert diagnoses.say("3 medium baskets could not be filled.") == (
        "3 medium baskets could not be filled.")
    assert user("coordination@paniers.demo")  # the demo is there
