"""financing products, policies and the catalogue revision

Revision ID: 20261201_fin01_products
Revises: 65d05c2e8de9
Create Date: 2026-11-27 11:14:34.219111

The catalogue of the financing map (docs/products.md): providers (catalogue codes of
institutions), products and policies with their append-only version history, and the one-row
catalogue revision. The id is fixed so later financing-map revisions chain onto it.

On PostgreSQL a row trigger refuses UPDATE and DELETE on the two version tables, as for the
audit log (TRUNCATE is not covered; revoke it from the application's role in production).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261201_fin01_products"
down_revision: str | None = "65d05c2e8de9"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None
VERSION_TABLES = ("financing_product_versions", "financing_policy_versions")


def upgrade() -> None:
    op.create_table(
        "catalogue_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_catalogue_revision_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_revision")),
    )
    op.create_table(
        "financing_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("summary_zh", sa.Text(), nullable=False),
        sa.Column("summary_en", sa.Text(), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=False),
        sa.Column("doc_no", sa.String(length=200), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("document_ref", sa.String(length=64), nullable=True),
        sa.Column("cited_paragraph", sa.Text(), nullable=True),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column(
            "mode",
            sa.Enum("automatic", "apply", name="policymode", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "benefit_kind",
            sa.Enum(
                "interest_subsidy",
                "fee_subsidy",
                "risk_sharing",
                "tax_reduction",
                "grant",
                "award",
                "service",
                name="benefitkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("benefit_zh", sa.Text(), nullable=False),
        sa.Column("benefit_en", sa.Text(), nullable=False),
        sa.Column("eligibility", sa.JSON(), nullable=False),
        sa.Column("stages", sa.JSON(), nullable=False),
        sa.Column("amount_min", sa.BigInteger(), nullable=True),
        sa.Column("amount_max", sa.BigInteger(), nullable=True),
        sa.Column("sizing", sa.JSON(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                "suspended",
                "retired",
                name="productstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.CheckConstraint(
            "amount_min <= amount_max", name=op.f("ck_financing_policies_amount_range")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["institutions.id"],
            name=op.f("fk_financing_policies_owner_id_institutions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_financing_policies")),
        sa.UniqueConstraint("code", name=op.f("uq_financing_policies_code")),
    )
    with op.batch_alter_table("financing_policies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_financing_policies_owner_id"), ["owner_id"], unique=False
        )

    op.create_table(
        "financing_products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("programme_owner_id", sa.Integer(), nullable=True),
        sa.Column("partners", sa.JSON(), nullable=False),
        sa.Column(
            "layer",
            sa.Enum(
                "government",
                "equity",
                "bank",
                "guarantee_insurance",
                "capital_market",
                name="layer",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "family",
            sa.Enum(
                "interest_subsidy",
                "fee_subsidy",
                "risk_pool_loan",
                "grant",
                "angel_fund",
                "seed_fund",
                "venture_fund",
                "transfer_fund",
                "bank_investment",
                "credit_loan",
                "first_loan",
                "points_loan",
                "rd_loan",
                "talent_loan",
                "ip_pledge_loan",
                "ip_bundle",
                "warrant_loan",
                "linkage_loan",
                "certificate_loan",
                "relending_loan",
                "receivables_loan",
                "guarantee",
                "insurance",
                "star_listing",
                "bse_listing",
                "neeq_listing",
                "regional_board",
                "listing_reserve",
                "listing_reward",
                name="productfamily",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "instrument",
            sa.Enum(
                "loan",
                "equity",
                "guarantee",
                "insurance",
                "subsidy",
                "grant",
                "listing",
                name="instrument",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("summary_zh", sa.Text(), nullable=False),
        sa.Column("summary_en", sa.Text(), nullable=False),
        sa.Column("stages", sa.JSON(), nullable=False),
        sa.Column("amount_min", sa.BigInteger(), nullable=False),
        sa.Column("amount_max", sa.BigInteger(), nullable=False),
        sa.Column("term_min_months", sa.Integer(), nullable=True),
        sa.Column("term_max_months", sa.Integer(), nullable=True),
        sa.Column(
            "pricing_basis",
            sa.Enum(
                "lpr_spread",
                "fixed_rate",
                "fee_rate",
                "subsidy_share",
                "equity",
                "none",
                name="pricingbasis",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "lpr_tenor",
            sa.Enum("1y", "5y", name="lprtenor", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("rate_spread_bp", sa.Integer(), nullable=True),
        sa.Column("rate", sa.BigInteger(), nullable=True),
        sa.Column("fee_rate", sa.BigInteger(), nullable=True),
        sa.Column("subsidy_share", sa.BigInteger(), nullable=True),
        sa.Column(
            "collateral",
            sa.Enum(
                "none",
                "ip_pledge",
                "receivables",
                "equity_pledge",
                "guarantee",
                "property",
                name="collateral",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("eligibility", sa.JSON(), nullable=False),
        sa.Column("sizing", sa.JSON(), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("policy_code", sa.String(length=80), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                "suspended",
                "retired",
                name="productstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.CheckConstraint(
            "amount_min <= amount_max", name=op.f("ck_financing_products_amount_range")
        ),
        sa.CheckConstraint(
            "term_min_months <= term_max_months", name=op.f("ck_financing_products_term_range")
        ),
        sa.ForeignKeyConstraint(
            ["programme_owner_id"],
            ["institutions.id"],
            name=op.f("fk_financing_products_programme_owner_id_institutions"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["institutions.id"],
            name=op.f("fk_financing_products_provider_id_institutions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_financing_products")),
        sa.UniqueConstraint("code", name=op.f("uq_financing_products_code")),
    )
    with op.batch_alter_table("financing_products", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_financing_products_layer"), ["layer"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_financing_products_provider_id"), ["provider_id"], unique=False
        )

    op.create_table(
        "financing_providers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "bank",
                "guarantor",
                "insurer",
                "fund_manager",
                "government_office",
                "platform_operator",
                name="institutionkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_financing_providers_institution_id_institutions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_financing_providers")),
        sa.UniqueConstraint("code", name=op.f("uq_financing_providers_code")),
        sa.UniqueConstraint("institution_id", name=op.f("uq_financing_providers_institution_id")),
    )
    op.create_table(
        "financing_policy_versions",
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["financing_policies.id"],
            name=op.f("fk_financing_policy_versions_policy_id_financing_policies"),
        ),
        sa.PrimaryKeyConstraint("policy_id", "version", name=op.f("pk_financing_policy_versions")),
    )
    op.create_table(
        "financing_product_versions",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["financing_products.id"],
            name=op.f("fk_financing_product_versions_product_id_financing_products"),
        ),
        sa.PrimaryKeyConstraint(
            "product_id", "version", name=op.f("pk_financing_product_versions")
        ),
    )

    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION catalogue_versions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only', TG_TABLE_NAME
                    USING ERRCODE = 'insufficient_privilege';
            END $$
            """
        )
        for table in VERSION_TABLES:
            op.execute(
                f"""
                CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                    FOR EACH ROW EXECUTE FUNCTION catalogue_versions_append_only()
                """
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in VERSION_TABLES:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION catalogue_versions_append_only()")
    op.drop_table("financing_product_versions")
    op.drop_table("financing_policy_versions")
    op.drop_table("financing_providers")
    with op.batch_alter_table("financing_products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_financing_products_provider_id"))
        batch_op.drop_index(batch_op.f("ix_financing_products_layer"))

    op.drop_table("financing_products")
    with op.batch_alter_table("financing_policies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_financing_policies_owner_id"))

    op.drop_table("financing_policies")
    op.drop_table("catalogue_revision")
