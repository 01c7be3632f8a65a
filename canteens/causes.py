"""The menu planner's causes in the reader's language.

The pure planner explains a missed rule, or a plan it could not find, with a stable
code and the values it quotes (:class:`canteens.menu_planner.data.Cause`); its English
``message`` is for logs and the command line. The stored plan and the failed job keep
the code and the values, and the canteen pages say them here: rule and course names as
the pages call them, amounts in euros, days and weeks as French people say them
(« semaine du 7 décembre 2026 »).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from canteens.labels import COURSE_LABELS, RULE_LABELS
from canteens.menu_planner.data import Cause
from paniers.formatting import long_date, money


def stored(cause: Cause) -> dict[str, Any]:
    """What the plan or the job keeps of a cause: its code, its values, the English."""
    return {"code": cause.code, "params": dict(cause.params), "message": cause.message}


def week_of(monday: str) -> str:
    """« semaine du 7 décembre 2026 » (English: "week of 7 December 2026")."""
    return _("semaine du %(date)s", date=format_date(date.fromisoformat(monday), "d MMMM y"))


def _rule(p: Mapping[str, Any]) -> str:
    name = str(p.get("rule", ""))
    return str(RULE_LABELS.get(name, name))


def _course(p: Mapping[str, Any]) -> str:
    course = str(p.get("course", ""))
    return str(COURSE_LABELS.get(course, course))


def _day(p: Mapping[str, Any]) -> str:
    return long_date(date.fromisoformat(str(p["date"])))


def _origin(origin: str) -> str:
    return {"not_local": _("ne pousse pas ici"),
            "could_be_local": _("produit dans la région, mais par aucune ferme de Paniers"),
            "local": _("offre des fermes insuffisante")}.get(origin, origin)


def _names(p: Mapping[str, Any]) -> str:
    return ", ".join(str(name) for name in p.get("names", []))


SENTENCES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "rule_none_in_season": lambda p: _(
        "Aucun plat comptant pour « %(rule)s » n'est de saison à ces dates (%(catalogue)d au "
        "catalogue) ; la règle en demande %(bound)d sur %(meals)d repas.", rule=_rule(p),
        catalogue=p["catalogue"], bound=p["bound"], meals=p["meals"]),
    "rule_few_in_season": lambda p: ngettext(
        "%(num)d seul plat comptant pour « %(rule)s » est de saison à ces dates (%(catalogue)d "
        "au catalogue : %(names)s) ; sans revenir trop tôt, il remplit au plus %(capacity)d "
        "de ces %(meals)d repas, la règle en demande %(bound)d.",
        "%(num)d plats seulement comptant pour « %(rule)s » sont de saison à ces dates "
        "(%(catalogue)d au catalogue : %(names)s) ; sans revenir trop tôt, ils remplissent au "
        "plus %(capacity)d de ces %(meals)d repas, la règle en demande %(bound)d.",
        int(p["dishes"]), rule=_rule(p), catalogue=p["catalogue"], names=_names(p),
        capacity=p["capacity"], meals=p["meals"], bound=p["bound"]),
    "rule_forced": lambda p: _(
        "Certains jours, tous les plats de saison d'un service comptent pour « %(rule)s » : "
        "au moins %(forced)d repas sur %(meals)d, la règle en permet %(bound)d.",
        rule=_rule(p), forced=p["forced"], meals=p["meals"], bound=p["bound"]),
    "no_vegetarian_main": lambda p: _(
        "Aucun plat végétarien de saison la %(week)s.", week=week_of(str(p["week"]))),
    "few_vegetarian_mains": lambda p: ngettext(
        "%(num)d seul plat végétarien de saison à ces dates (%(names)s) : sans servir un même "
        "plat deux fois en %(gap)d repas, il fait %(menus)s, il en faut %(needed)d.",
        "%(num)d plats végétariens seulement de saison à ces dates (%(names)s) : sans servir "
        "un même plat deux fois en %(gap)d repas, ils font %(menus)s, il en faut %(needed)d.",
        int(p["mains"]), names=_names(p), gap=p["gap"], needed=p["needed"],
        menus=ngettext("%(num)d menu végétarien", "%(num)d menus végétariens",
                       int(p["capacity"]))),
    "budget_unreachable": lambda p: _(
        "Même les repas de saison les moins chers coûtent en moyenne %(cheapest)s par repas "
        "(règles mises à part), au-delà du budget de %(budget)s.",
        cheapest=money(int(p["cheapest_cents"])), budget=money(int(p["budget_cents"]))),
    "course_missing": lambda p: _(
        "Rien de saison pour « %(course)s » le %(date)s : le repas s'en passe.",
        course=_course(p), date=_day(p)),
    "repeated_too_soon": lambda p: ngettext(
        "%(dish)s revient %(num)d repas après, le %(date)s (%(course)s : pas deux fois le "
        "même en %(gap)d repas).",
        "%(dish)s revient %(num)d repas après, le %(date)s (%(course)s : pas deux fois le "
        "même en %(gap)d repas).",
        int(p["since"]), dish=p["dish"], date=_day(p), course=_course(p), gap=p["gap"]),
    "bought_elsewhere": lambda p: _(
        "Acheté hors des fermes : %(product)s (%(origin)s), %(value)s.", product=p["product"],
        origin=_origin(str(p.get("origin", ""))), value=money(int(p["value_cents"]))),
    "no_plan_in_time": lambda p: _(
        "Aucun plan ne respecte les saisons et la structure des repas.")
    if p.get("status") == "INFEASIBLE" else _(
        "Le planificateur n'a trouvé aucun plan dans le temps imparti."),
}


def say(entry: Mapping[str, Any] | str) -> str:
    """A stored cause as a sentence for the reader (a plan from before keeps its English)."""
    if isinstance(entry, str):
        return entry
    sentence = SENTENCES.get(str(entry.get("code", "")))
    try:
        return sentence(entry.get("params", {})) if sentence else str(entry.get("message", ""))
    except (KeyError, ValueError, TypeError):  # values this release cannot read
        return str(entry.get("message", ""))
