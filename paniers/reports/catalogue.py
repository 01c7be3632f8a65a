"""The reports the collective asks for, each declared once: its columns, its grouping,
what adds up. The screen, CSV and the spreadsheet all render these declarations."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from paniers.formatting import unit_label
from paniers.money import from_base_amount
from paniers.reports import queries as q
from paniers.reports.framework import Column, Kind, Period, Report


def _unit(row: Any) -> str:
    return unit_label(row.unit, 2)


def _quantity(row: Any) -> Any:
    return from_base_amount(row.quantity, row.unit)


def method_label(method: str) -> str:
    return {
        "online": _("Carte (en ligne)"), "cash": _("Espèces"), "cheque": _("Chèque"),
        "menadel": _("Ménadel"), "due": _("À régler au retrait"),
        "invoiced": _("Facturé à part (cantine)"),
    }.get(method, method)


def outcome_label(outcome: str) -> str:
    return {
        "charity": _("Donnés à une association partenaire"),
        "kept": _("Gardés au point jusqu'au lendemain"),
        "returned": _("Rapportés à la plateforme"), "none": _("Tout a été retiré"),
    }.get(outcome, outcome)


def status_label(status: str) -> str:
    return {"AB": _("Bio certifié (AB)"), "C1": _("Conversion, 1re année (C1)"),
            "C2": _("Conversion, 2e année (C2)"), "C3": _("Conversion, 3e année (C3)"),
            "": _("Non bio (fournisseur conventionnel)")}.get(status, status)


def _yes(flag: bool) -> str:
    return _("oui") if flag else _("non")


SALES_BY_FARM: Report[q.SalesTotal] = Report(
    slug="ventes-fermes", title=_l("Ventes par ferme"),
    description=_l("Ce que chaque ferme a vendu, produit par produit, à son prix."),
    columns=(
        Column(_l("Ferme"), lambda r: r.key, width=28),
        Column(_l("Produit"), lambda r: r.product, width=22),
        Column(_l("Unité"), _unit, width=10),
        Column(_l("Quantité"), _quantity, Kind.DECIMAL),
        Column(_l("Montant"), lambda r: r.amount_cents, Kind.MONEY, total=True),
    ),
    rows=q.sales_by_farm, group_by=lambda r: r.key,
    note=_l("Avant la répartition, les ventes d'un produit sont partagées entre ses fermes "
            "au prorata de ce qu'elles ont déclaré."),
)

SALES_BY_PRODUCT: Report[q.SalesTotal] = Report(
    slug="ventes-produits", title=_l("Ventes par produit"),
    description=_l("Quantités et montants vendus de chaque produit, toutes fermes confondues."),
    columns=(
        Column(_l("Produit"), lambda r: r.product, width=22),
        Column(_l("Unité"), _unit, width=10),
        Column(_l("Quantité"), _quantity, Kind.DECIMAL),
        Column(_l("Fermes"), lambda r: r.farms, Kind.INTEGER, width=8),
        Column(_l("Montant"), lambda r: r.amount_cents, Kind.MONEY, total=True),
    ),
    rows=q.sales_by_product,
)

SALES_BY_POINT: Report[q.PointWeek] = Report(
    slug="ventes-points", title=_l("Ventes par point"),
    description=_l("Commandes, paniers et montants de chaque point de retrait, semaine par "
                   "semaine."),
    columns=(
        Column(_l("Point"), lambda r: r.point, width=34),
        Column(_l("Livraison"), lambda r: r.delivery, Kind.DATE, width=12),
        Column(_l("Commandes"), lambda r: r.orders, Kind.INTEGER, total=True),
        Column(_l("Paniers"), lambda r: r.baskets, Kind.INTEGER, total=True),
        Column(_l("Commandé"), lambda r: r.ordered_cents, Kind.MONEY, total=True),
        Column(_l("Manques remboursés"), lambda r: r.shortage_cents, Kind.MONEY, total=True,
               width=18),
        Column(_l("Net"), lambda r: r.net_cents, Kind.MONEY, total=True),
    ),
    rows=q.sales_by_point, group_by=lambda r: r.point,
)

OWED_TO_FARMS: Report[q.Owed] = Report(
    slug="du-aux-fermes", title=_l("Ce que chaque foyer ou cantine doit à chaque ferme"),
    description=_l("Après la répartition : les produits à la ferme qui les a fournis, les "
                   "paniers partagés entre les fermes selon ce que chacune y a mis."),
    columns=(
        Column(_l("Foyer ou cantine"), lambda r: r.buyer, width=30),
        Column(_l("Ferme"), lambda r: r.farm, width=28),
        Column(_l("Montant"), lambda r: r.amount_cents, Kind.MONEY, total=True),
    ),
    rows=q.owed_to_farms, group_by=lambda r: r.buyer,
    note=_l("Seules les semaines déjà réparties comptent ; montants aux prix payés par "
            "l'acheteur, pour ce qui a été servi (les manques remboursés n'y sont pas)."),
)

PAYMENTS_BY_POINT: Report[q.PointPayments] = Report(
    slug="paiements-points", title=_l("Commandes et paiements par point"),
    description=_l("Par point : les commandes et leur total selon le moyen de paiement "
                   "(carte, espèces, chèque, Ménadel)."),
    columns=(
        Column(_l("Point"), lambda r: r.point, width=34),
        Column(_l("Moyen de paiement"), lambda r: method_label(r.method), width=24),
        Column(_l("Commandes"), lambda r: r.orders, Kind.INTEGER, total=True),
        Column(_l("Montant des commandes"), lambda r: r.ordered_cents, Kind.MONEY,
               total=True, width=20),
        Column(_l("Encaissé"), lambda r: r.paid_cents, Kind.MONEY, total=True),
    ),
    rows=q.payments_by_point, group_by=lambda r: r.point,
)

SOLIDARITY: Report[q.FundWeek] = Report(
    slug="fonds-solidaire", title=_l("Usage du fonds solidaire"),
    description=_l("Budget, part utilisée et foyers aidés, semaine par semaine."),
    columns=(
        Column(_l("Livraison"), lambda r: r.delivery, Kind.DATE, width=12),
        Column(_l("Budget"), lambda r: r.budget_cents, Kind.MONEY, total=True),
        Column(_l("Utilisé"), lambda r: r.used_cents, Kind.MONEY, total=True),
        Column(_l("Reste"), lambda r: r.remaining_cents, Kind.MONEY, total=True),
        Column(_l("Commandes aidées"), lambda r: r.baskets, Kind.INTEGER, total=True, width=16),
        Column(_l("Foyers aidés"), lambda r: r.households, Kind.INTEGER, total=True),
    ),
    rows=q.solidarity_use,
)

UNCLAIMED: Report[q.Evening] = Report(
    slug="paniers-non-retires", title=_l("Paniers non retirés et leur devenir"),
    description=_l("Soirée par soirée : commandes retirées, non retirées, et ce que sont "
                   "devenus les paniers restés au point."),
    columns=(
        Column(_l("Livraison"), lambda r: r.delivery, Kind.DATE, width=12),
        Column(_l("Point"), lambda r: r.point, width=34),
        Column(_l("Retirées"), lambda r: r.collected, Kind.INTEGER, total=True),
        Column(_l("Non retirées"), lambda r: r.unclaimed, Kind.INTEGER, total=True),
        Column(_l("Devenir"), lambda r: outcome_label(r.outcome), width=36),
        Column(_l("Remarque"), lambda r: r.note, width=30),
    ),
    rows=q.unclaimed_baskets,
)

ORGANIC_CONVERSION: Report[q.FarmStatusYear] = Report(
    slug="conversion-bio", title=_l("Conversion bio des fermes du réseau"),
    description=_l("Fermes par statut bio, cette année et les suivantes, pour le tableau de "
                   "bord de la transition de la ville."),
    columns=(
        Column(_l("Année"), lambda r: r.year, Kind.INTEGER, width=8),
        Column(_l("Statut"), lambda r: status_label(r.status), width=30),
        Column(_l("Fermes"), lambda r: r.farms, Kind.INTEGER, total=True),
        Column(_l("Part des fermes (%)"), lambda r: r.share_pct, Kind.DECIMAL, width=18),
        Column(_l("Surface cultivée (ha)"), lambda r: r.farmed_ha, Kind.DECIMAL, total=True,
               width=18),
        Column(_l("Surface bio ou en conversion (ha)"), lambda r: r.organic_ha, Kind.DECIMAL,
               total=True, width=24),
    ),
    rows=lambda period: q.organic_conversion(date.today().year),
    group_by=lambda r: str(r.year), dated=False, grand_total=False,
    note=_l("Les fermes actives, avec les surfaces saisies sur leur fiche (Réseau). Les années "
            "suivantes sont une projection : chaque année de conversion passe à la suivante "
            "(C1, C2, C3 puis AB)."),
)

REPORTS: dict[str, Report[Any]] = {report.slug: report for report in (
    SALES_BY_FARM, SALES_BY_PRODUCT, SALES_BY_POINT, OWED_TO_FARMS, PAYMENTS_BY_POINT,
    SOLIDARITY, UNCLAIMED, ORGANIC_CONVERSION)}


def farm_sales(farm_id: int) -> Report[q.Sale]:
    """A farmer's own sales, week by week."""
    return Report(
        slug="ventes", title=_l("Mes ventes"),
        description=_l("Ce que votre ferme a vendu, semaine par semaine, à votre prix."),
        columns=(
            Column(_l("Livraison"), lambda r: r.delivery, Kind.DATE, width=12),
            Column(_l("Produit"), lambda r: r.product, width=22),
            Column(_l("Unité"), _unit, width=10),
            Column(_l("Quantité"), _quantity, Kind.DECIMAL),
            Column(_l("Prix unitaire"), lambda r: r.price_cents, Kind.MONEY),
            Column(_l("Montant"), lambda r: r.amount_cents, Kind.MONEY, total=True),
            Column(_l("Provisoire"), lambda r: _yes(r.provisional), width=10),
        ),
        rows=lambda period: q.sales(period, farm_id),
        group_by=lambda r: r.delivery.strftime("%d/%m/%Y"),
        note=SALES_BY_FARM.note,
    )


__all__ = ["REPORTS", "Period", "farm_sales"]
