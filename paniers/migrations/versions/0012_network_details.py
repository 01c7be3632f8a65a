"""the network's details: addresses, contacts, areas, origins, weekday windows, active flags

Revision ID: 0012_network_details
Revises: 0011_memberships
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_network_details"
down_revision = "0011_memberships"
branch_labels = None
depends_on = None


def _text(name: str, length: int) -> sa.Column:
    return sa.Column(name, sa.String(length=length), nullable=False, server_default="")


def _active() -> sa.Column:
    return sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())


def _weekday(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=False, server_default="5")


COLUMNS = {
    "farms": lambda: [
        sa.Column("conversion_start_date", sa.Date(), nullable=True),
        _text("address", 300),
        sa.Column("farmed_area_ares", sa.Integer(), nullable=True),
        sa.Column("organic_area_ares", sa.Integer(), nullable=True),
        _text("contact_name", 120), _text("contact_phone", 30), _text("contact_email", 254),
        _text("drop_windows", 200), _text("notes", 255), _active(),
    ],
    "products": lambda: [
        sa.Column("origin", sa.String(length=10), nullable=False, server_default="network"),
        _text("origin_reason", 200), _text("price_basis", 200), _active(),
    ],
    "hubs": lambda: [_weekday("weekday"), _text("address", 300), _text("notes", 255), _active()],
    "pickup_points": lambda: [
        _weekday("delivery_weekday"),
        sa.Column("pickup_weekday", sa.Integer(), nullable=True),
        _text("delivery_overrides", 200), _text("pickup_overrides", 200),
        _text("address", 300), _text("access_notes", 500), _text("phone", 30),
        _text("host_email", 254),
    ],
    "canteens": lambda: [_active()],
    "basket_formats": lambda: [
        _text("name", 60), sa.Column("solidarity_price_cents", sa.Integer(), nullable=True),
        _active(),
    ],
    "vehicles": lambda: [_weekday("shift_weekday"), _text("notes", 255)],
}


def upgrade() -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns():
                batch.add_column(column)
    # Existing points keep their windows on the usual day: Friday.
    op.execute("UPDATE pickup_points SET pickup_weekday = 5 WHERE pickup_start_min IS NOT NULL")


def downgrade() -> None:
    for table, columns in reversed(COLUMNS.items()):
        with op.batch_alter_table(table) as batch:
            for column in reversed(columns()):
                batch.drop_column(column.name)
