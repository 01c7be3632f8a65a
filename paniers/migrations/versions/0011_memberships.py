"""members and roles: memberships, invitations, deactivated accounts

Every existing account gets the membership of the role it has now (with its farm,
canteen or point), so nobody loses a role.

Revision ID: 0011_memberships
Revises: 0010_canteen_identity
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import paniers.types

revision = "0011_memberships"
down_revision = "0010_canteen_identity"
branch_labels = None
depends_on = None

UTC_DT = paniers.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("deactivated_dt", UTC_DT, nullable=True))
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("farm_id", sa.Integer(), nullable=True),
        sa.Column("point_id", sa.Integer(), nullable=True),
        sa.Column("canteen_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_dt", UTC_DT, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["farm_id"], ["farms.id"]),
        sa.ForeignKeyConstraint(["point_id"], ["pickup_points.id"]),
        sa.ForeignKeyConstraint(["canteen_id"], ["canteens.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("memberships") as batch:
        batch.create_index("ix_memberships_user_id", ["user_id"])
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("farm_id", sa.Integer(), nullable=True),
        sa.Column("point_id", sa.Integer(), nullable=True),
        sa.Column("canteen_id", sa.Integer(), nullable=True),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("created_dt", UTC_DT, nullable=False),
        sa.Column("expires_dt", UTC_DT, nullable=False),
        sa.Column("sent_dt", UTC_DT, nullable=True),
        sa.Column("accepted_dt", UTC_DT, nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_dt", UTC_DT, nullable=True),
        sa.ForeignKeyConstraint(["farm_id"], ["farms.id"]),
        sa.ForeignKeyConstraint(["point_id"], ["pickup_points.id"]),
        sa.ForeignKeyConstraint(["canteen_id"], ["canteens.id"]),
        sa.ForeignKeyConstraint(["invited_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["accepted_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("invitations") as batch:
        batch.create_index("ix_invitations_email", ["email"])
    # The role each account has today, tied as User.role reads it.
    op.execute("""
        INSERT INTO memberships (user_id, role, farm_id, point_id, canteen_id, active,
                                 created_dt)
        SELECT id, role,
               CASE WHEN role = 'farmer' THEN farm_id END,
               CASE WHEN role IN ('relay_host', 'household') THEN point_id END,
               CASE WHEN role = 'canteen_manager' THEN canteen_id END,
               true, created_dt
        FROM users
    """)


def downgrade() -> None:
    op.drop_table("invitations")
    op.drop_table("memberships")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("deactivated_dt")
