"""A report's rows as a table, with the totals' labels in the reader's language."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from paniers.reports.framework import Report, Table, build


def table_of(report: Report[Any], rows: list[Any]) -> Table:
    return build(report, rows, total_label=_("Total"),
                 subtotal_label=lambda label: _("Total %(group)s", group=label))
