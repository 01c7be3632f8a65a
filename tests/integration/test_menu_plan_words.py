"""The menu planner's causes reach the canteen manager in their language: French on
French pages (rule and course names, euros, days, « semaine du 7 décembre 2026 »),
English for an English reader, never the planner's own English sentence on a French page."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from canteens import causes
from canteens.menu_planner.data import Cause, monday_of_week
from canteens.models import PlanJob, StoredPlan
from paniers.extensions import db
from paniers.jobs.models import JobStatus
from tests.integration.week import user

MANAGER = "cantine@paniers.demo"
PLANNER = Path(causes.__file__).parent / "menu_planner"
CAUSES = [
    Cause("rule_none_in_season", "no dish for 'fish mains' is in season for these dates "
          "(3 in the catalogue); the rule asks 4 of 20 meals",
          {"rule": "fish", "catalogue": 3, "bound": 4, "meals": 20}),
    Cause("rule_few_in_season", "only 2 dishes for 'fish mains' are in season",
          {"rule": "fish", "dishes": 2, "catalogue": 5, "names": ["Colin", "Hoki"],
           "capacity": 3, "meals": 20, "bound": 4}),
    Cause("rule_forced", "on some dates every dish in season for a course counts",
          {"rule": "fried", "forced": 6, "meals": 20, "bound": 4}),
    Cause("no_vegetarian_main", "no vegetarian main in season in the week of 2026-12-07",
          {"week": monday_of_week((2026, 50))}),
    Cause("few_vegetarian_mains", "only 1 vegetarian mains in season for these dates",
          {"mains": 1, "names": ["Omelette"], "gap": 10, "capacity": 1, "needed": 4}),
    Cause("budget_unreachable", "even the cheapest meals in season cost 312 cents a meal",
          {"cheapest_cents": 312, "budget_cents": 250}),
    Cause("course_missing", "no dairy in season on 2026-12-08: the meal goes without",
          {"course": "dairy", "date": "2026-12-08"}),
    Cause("repeated_too_soon", "Omelette again after 9 meals on 2026-12-18 (no main twice "
          "within 10 meals)", {"dish": "Omelette", "since": 9, "date": "2026-12-18",
                               "course": "main", "gap": 10}),
    Cause("bought_elsewhere", "bought elsewhere: Banane (not_local), 4200 cents",
          {"product": "Banane", "origin": "not_local", "value_cents": 4200}),
]
NO_PLAN = Cause("no_plan_in_time", "the solver found no plan in the time limit (UNKNOWN)",
                {"status": "UNKNOWN"})
ENGLISH = re.compile(r"\b(again|after|meals?|season|dish(es)?|week|rule|asks|only|cents?|"
                     r"bought|elsewhere|the|no|of|in|within|solver)\b|\d{4}-W\d\d|"
                     r"\d{4}-\d\d-\d\d")


def test_the_planner_says_nothing_the_pages_cannot_translate():
    source = "".join(path.read_text() for path in PLANNER.glob("*.py"))
    codes = set(re.findall(r'Cause\(\s*"(\w+)"', source))
    assert codes == {c.code for c in [*CAUSES, NO_PLAN]} <= set(causes.SENTENCES)


def plan_with(entries: list[Cause]) -> None:
    canteen_id = user(MANAGER).canteen_id
    db.session.add(StoredPlan(
        canteen_id=canteen_id, first_date=date(2026, 12, 7), last_date=date(2026, 12, 18),
        status="relaxed", request={}, local_share_pct=80.0, purchase_value_cents=100_000,
        cost_per_meal_cents=240, report={"counters": [], "non_local": [], "violations": [
            {"rule": "fish", "by": 1, "causes": [causes.stored(c) for c in entries]}]}))
    db.session.add(PlanJob(canteen_id=canteen_id, params={}, status=JobStatus.FAILED,
                           summary={"error": "Aucun plan trouvé dans le temps imparti.",
                                    "diagnostics": [causes.stored(NO_PLAN)]}))
    db.session.commit()


def test_every_cause_reads_in_french_on_the_menus_page(browser):
    plan_with(CAUSES[:5])
    plan_with(CAUSES[5:])  # the page shows five causes a rule: the latest plan, the others
    browser.login(MANAGER)
    page = browser.get("/cantine/menus").text
    blocking = page.split("<h2>Ce qui bloque</h2>")[1].split("</ul>\n</ul>")[0]
    said = re.findall(r"<li>([^<]*)</li>", blocking)
    failed = re.search(r'<p class="hint">(.*?)</p>', page.split("La planification a échoué")[1],
                       re.S).group(1)
    assert len(said) == 4
    for sentence in [*said, failed]:
        assert not ENGLISH.search(sentence), sentence
    text = " ".join(said)
    assert "Même les repas de saison les moins chers coûtent en moyenne 3,12\xa0€" in text
    assert "Rien de saison pour « Produit laitier » le mardi 8 décembre 2026" in text
    assert ("Omelette revient 9 repas après, le vendredi 18 décembre 2026 (Plat : pas deux "
            "fois le même en 10 repas).") in text
    assert "Acheté hors des fermes : Banane (ne pousse pas ici), 42,00\xa0€." in text
    assert failed == "Le planificateur n'a trouvé aucun plan dans le temps imparti."


def test_weeks_and_plurals_as_people_say_them_in_french_and_in_english(app):
    from flask_babel import force_locale

    with app.test_request_context():
        said = [causes.say(causes.stored(c)) for c in CAUSES]
    assert said[3] == "Aucun plat végétarien de saison la semaine du 7 décembre 2026."
    assert said[1].startswith("2 plats seulement comptant pour « Plats de poisson » sont de "
                              "saison à ces dates (5 au catalogue : Colin, Hoki)")
    assert said[4].startswith("1 seul plat végétarien de saison à ces dates (Omelette)")
    assert "il fait 1 menu végétarien, il en faut 4." in said[4]
    none = Cause("few_vegetarian_mains", "", {**CAUSES[4].params, "capacity": 0})
    with app.test_request_context():
        assert "il fait 0 menu végétarien," in causes.say(causes.stored(none))
    with app.test_request_context(), force_locale("en"):  # an English reader gets English
        said = [causes.say(causes.stored(cause)) for cause in [*CAUSES, NO_PLAN]]
    for sentence in said:
        assert not re.search(r"\b(le|la|les|des|plats?|repas|saison|semaine|aucun)\b", sentence,
                             re.I), sentence
    assert said[3] == "No vegetarian main in season in the week of 7 December 2026."
    assert said[7] == ("Omelette again after 9 meals, on Friday, December 18, 2026 (Main "
                       "course: not the same twice within 10 meals).")


def test_a_plan_from_before_keeps_its_sentence():
    assert causes.say("Omelette again after 9 meals") == "Omelette again after 9 meals"
