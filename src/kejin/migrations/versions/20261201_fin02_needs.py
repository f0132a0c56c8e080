"""needs pick-ups offers and notifications

Revision ID: 20261201_fin02_needs
Revises: 20261201_fin01_products
Create Date: 2026-11-27 11:50:00.454083

Financing needs, the products they targeted, pick-ups, offers, each need's history and the
notices (docs/needs.md). On PostgreSQL a row trigger (the catalogue's append-only function)
refuses any UPDATE of a history row; rows go only with their need.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261201_fin02_needs"
down_revision: str | None = "20261201_fin01_products"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "financing_needs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("posted_by", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum(
                "research",
                "clinical_trials",
                "equipment",
                "working_capital",
                "talent",
                "commercialisation",
                "expansion",
                "other",
                name="purpose",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("purpose_text", sa.String(length=500), nullable=False),
        sa.Column("term_months", sa.Integer(), nullable=False),
        sa.Column("instruments", sa.JSON(), nullable=False),
        sa.Column(
            "mode",
            sa.Enum("exclusive", "open", name="needmode", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("max_pickups", sa.Integer(), nullable=False),
        sa.Column("pickups", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "posted",
                "picked_up",
                "offered",
                "accepted",
                "declined",
                "closed",
                "withdrawn",
                "expired",
                name="needstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("stage_at_posting", sa.String(length=16), nullable=True),
        sa.Column("share_scopes", sa.JSON(), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pickup_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decide_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_offer_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_financing_needs_amount_positive")),
        sa.CheckConstraint(
            "pickups >= 0 AND pickups <= max_pickups",
            name=op.f("ck_financing_needs_pickups_in_range"),
        ),
        sa.CheckConstraint(
            "term_months BETWEEN 1 AND 360", name=op.f("ck_financing_needs_term_in_range")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_financing_needs_enterprise_id_enterprises"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["posted_by"], ["users.id"], name=op.f("fk_financing_needs_posted_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_financing_needs")),
    )
    with op.batch_alter_table("financing_needs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_financing_needs_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_financing_needs_status"), ["status"], unique=False)

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "need_matched",
                "need_picked_up",
                "offer_received",
                "offer_decided",
                "sla_breached",
                name="notificationkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("message", sa.String(length=300), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "CASE WHEN institution_id IS NULL THEN 0 ELSE 1 END + CASE WHEN enterprise_id IS NULL THEN 0 ELSE 1 END + CASE WHEN user_id IS NULL THEN 0 ELSE 1 END = 1",
            name=op.f("ck_notifications_one_recipient"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_notifications_enterprise_id_enterprises"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_notifications_institution_id_institutions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notifications_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_notifications_institution_id"), ["institution_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notifications_user_id"), ["user_id"], unique=False)

    op.create_table(
        "need_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=True),
        sa.Column("pickup_id", sa.Integer(), nullable=True),
        sa.Column("offer_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["financing_needs.id"],
            name=op.f("fk_need_events_need_id_financing_needs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need_events")),
    )
    with op.batch_alter_table("need_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_events_need_id"), ["need_id"], unique=False)

    op.create_table(
        "need_pickups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("product_code", sa.String(length=80), nullable=False),
        sa.Column("exclusive", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "offered",
                "lapsed",
                "released",
                "won",
                "lost",
                name="pickupstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("picked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("offer_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_need_pickups_institution_id_institutions"),
        ),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["financing_needs.id"],
            name=op.f("fk_need_pickups_need_id_financing_needs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_need_pickups_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need_pickups")),
        sa.UniqueConstraint(
            "need_id", "institution_id", name=op.f("uq_need_pickups_need_id_institution_id")
        ),
    )
    with op.batch_alter_table("need_pickups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_need_pickups_institution_id"), ["institution_id"], unique=False
        )
        batch_op.create_index(
            "uq_need_pickups_live_exclusive",
            ["need_id"],
            unique=True,
            sqlite_where=sa.text("exclusive AND status IN ('active', 'offered')"),
            postgresql_where=sa.text("exclusive AND status IN ('active', 'offered')"),
        )

    op.create_table(
        "need_targets",
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("product_code", sa.String(length=80), nullable=False),
        sa.Column("product_version", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("match_status", sa.String(length=16), nullable=False),
        sa.Column("amount_high", sa.BigInteger(), nullable=True),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_need_targets_institution_id_institutions"),
        ),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["financing_needs.id"],
            name=op.f("fk_need_targets_need_id_financing_needs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("need_id", "product_code", name=op.f("pk_need_targets")),
    )
    with op.batch_alter_table("need_targets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_need_targets_institution_id"), ["institution_id"], unique=False
        )

    op.create_table(
        "need_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("pickup_id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("product_code", sa.String(length=80), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("term_months", sa.Integer(), nullable=False),
        sa.Column(
            "repayment",
            sa.Enum(
                "bullet",
                "equal_principal",
                "equal_instalment",
                name="repayment",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("annual_rate", sa.BigInteger(), nullable=False),
        sa.Column("guarantee_fee_rate", sa.BigInteger(), nullable=False),
        sa.Column("subsidy_share", sa.BigInteger(), nullable=False),
        sa.Column("upfront_fees", sa.BigInteger(), nullable=False),
        sa.Column("collateral", sa.String(length=32), nullable=False),
        sa.Column("warrant", sa.JSON(), nullable=True),
        sa.Column("conditions", sa.String(length=1000), nullable=False),
        sa.Column("interest", sa.BigInteger(), nullable=False),
        sa.Column("total_cost", sa.BigInteger(), nullable=False),
        sa.Column("net_annual_rate", sa.BigInteger(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "accepted",
                "declined",
                "withdrawn",
                "expired",
                name="offerstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("made_by", sa.Integer(), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_need_offers_amount_positive")),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_need_offers_institution_id_institutions"),
        ),
        sa.ForeignKeyConstraint(
            ["made_by"], ["users.id"], name=op.f("fk_need_offers_made_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["financing_needs.id"],
            name=op.f("fk_need_offers_need_id_financing_needs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pickup_id"],
            ["need_pickups.id"],
            name=op.f("fk_need_offers_pickup_id_need_pickups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need_offers")),
    )
    with op.batch_alter_table("need_offers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_offers_need_id"), ["need_id"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE TRIGGER need_events_append_only BEFORE UPDATE ON need_events
                FOR EACH ROW EXECUTE FUNCTION catalogue_versions_append_only()
            """
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER need_events_append_only ON need_events")
    with op.batch_alter_table("need_offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_need_offers_need_id"))

    op.drop_table("need_offers")
    with op.batch_alter_table("need_targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_need_targets_institution_id"))

    op.drop_table("need_targets")
    with op.batch_alter_table("need_pickups", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_need_pickups_live_exclusive",
            sqlite_where=sa.text("exclusive AND status IN ('active', 'offered')"),
            postgresql_where=sa.text("exclusive AND status IN ('active', 'offered')"),
        )
        batch_op.drop_index(batch_op.f("ix_need_pickups_institution_id"))

    op.drop_table("need_pickups")
    with op.batch_alter_table("need_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_need_events_need_id"))

    op.drop_table("need_events")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_user_id"))
        batch_op.drop_index(batch_op.f("ix_notifications_institution_id"))
        batch_op.drop_index(batch_op.f("ix_notifications_enterprise_id"))

    op.drop_table("notifications")
    with op.batch_alter_table("financing_needs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_financing_needs_status"))
        batch_op.drop_index(batch_op.f("ix_financing_needs_enterprise_id"))

    op.drop_table("financing_needs")
