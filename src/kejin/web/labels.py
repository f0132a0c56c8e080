"""Display names of every enumeration value, as English message ids translated per locale.

Keyed by enum class first: several enums share values (`seed` is a stage and a funding round).
"""

from __future__ import annotations

from enum import StrEnum

from kejin.assessment.model import Status
from kejin.consent.model import DataScope, GrantPurpose, GrantStatus
from kejin.core.i18n import N_, translate
from kejin.documents.labels import LABELS as DOCUMENT_LABELS
from kejin.needs.labels import LABELS as NEED_LABELS
from kejin.products.labels import LABELS as PRODUCT_LABELS
from kejin.registry.model import (
    CertificationKind,
    ComplianceKind,
    EmergingIndustry,
    FundingStage,
    IndustryCluster,
    IPOrigin,
    IPStatus,
    IPType,
    Level,
    Stage,
    StandardLevel,
    StandardRole,
)

LABELS: dict[type[StrEnum], dict[str, str]] = {
    Stage: {
        Stage.SEED: N_("Seed"),
        Stage.START_UP: N_("Start-up"),
        Stage.GROWTH: N_("Growth"),
        Stage.EXPANSION: N_("Expansion"),
        Stage.MATURE: N_("Mature"),
    },
    IndustryCluster: {
        IndustryCluster.BRAIN_SCIENCE: N_("Brain science & BCI"),
        IndustryCluster.AI: N_("Artificial intelligence"),
        IndustryCluster.BIOMEDICINE: N_("Biomedicine"),
        IndustryCluster.SEMICONDUCTORS: N_("Semiconductors"),
        IndustryCluster.NEW_MATERIALS: N_("New materials"),
        IndustryCluster.NEW_ENERGY: N_("New energy"),
        IndustryCluster.SOFTWARE: N_("Software & IT services"),
        IndustryCluster.HIGH_END_EQUIPMENT: N_("High-end equipment"),
    },
    EmergingIndustry: {
        EmergingIndustry.NEXT_GEN_IT: N_("Next-generation IT"),
        EmergingIndustry.HIGH_END_EQUIPMENT: N_("High-end equipment manufacturing"),
        EmergingIndustry.NEW_MATERIALS: N_("New materials industry"),
        EmergingIndustry.BIOTECH: N_("Biotechnology"),
        EmergingIndustry.NEW_ENERGY_VEHICLES: N_("New-energy vehicles"),
        EmergingIndustry.NEW_ENERGY: N_("New energy industry"),
        EmergingIndustry.ENERGY_SAVING: N_("Energy saving & environmental protection"),
        EmergingIndustry.DIGITAL_CREATIVE: N_("Digital creative"),
        EmergingIndustry.RELATED_SERVICES: N_("Related services"),
        EmergingIndustry.NONE: N_("Not a strategic emerging industry"),
    },
    IPType: {
        IPType.INVENTION_PATENT: N_("Invention patent"),
        IPType.UTILITY_MODEL: N_("Utility model"),
        IPType.DESIGN_PATENT: N_("Design patent"),
        IPType.SOFTWARE_COPYRIGHT: N_("Software copyright"),
        IPType.IC_LAYOUT: N_("IC layout design"),
        IPType.PLANT_VARIETY: N_("Plant variety"),
        IPType.NEW_DRUG: N_("New drug"),
        IPType.TRADEMARK: N_("Trademark"),
    },
    IPStatus: {
        IPStatus.PENDING: N_("Pending"),
        IPStatus.GRANTED: N_("Granted"),
        IPStatus.EXPIRED: N_("Expired"),
        IPStatus.INVALIDATED: N_("Invalidated"),
        IPStatus.LAPSED: N_("Lapsed"),
    },
    IPOrigin: {
        IPOrigin.SELF_DEVELOPED: N_("Self-developed"),
        IPOrigin.ACQUIRED: N_("Acquired"),
    },
    CertificationKind: {
        CertificationKind.HIGH_TECH: N_("High-tech enterprise"),
        CertificationKind.TECH_SME: N_("Tech-based SME"),
        CertificationKind.INNOVATIVE_SME: N_("Innovative SME"),
        CertificationKind.SPECIALISED_SME: N_("Specialised SME"),
        CertificationKind.LITTLE_GIANT: N_("Little giant"),
    },
    FundingStage: {
        FundingStage.SEED: N_("Seed round"),
        FundingStage.ANGEL: N_("Angel round"),
        FundingStage.PRE_A: N_("Pre-A round"),
        FundingStage.SERIES_A: N_("Series A"),
        FundingStage.SERIES_B: N_("Series B"),
        FundingStage.SERIES_C: N_("Series C"),
        FundingStage.LATER: N_("Later stage"),
        FundingStage.STRATEGIC: N_("Strategic investment"),
    },
    StandardLevel: {
        StandardLevel.INTERNATIONAL: N_("International standard"),
        StandardLevel.NATIONAL: N_("National standard"),
        StandardLevel.INDUSTRY: N_("Industry standard"),
        StandardLevel.LOCAL: N_("Local standard"),
        StandardLevel.GROUP: N_("Group standard"),
    },
    StandardRole: {
        StandardRole.LED: N_("Led"),
        StandardRole.PARTICIPATED: N_("Participated"),
    },
    Level: {
        Level.NATIONAL: N_("National"),
        Level.PROVINCIAL: N_("Provincial"),
        Level.MUNICIPAL: N_("Municipal"),
        Level.DISTRICT: N_("District"),
    },
    ComplianceKind: {
        ComplianceKind.SAFETY_INCIDENT: N_("Major safety incident"),
        ComplianceKind.QUALITY_INCIDENT: N_("Major quality incident"),
        ComplianceKind.ENVIRONMENTAL_VIOLATION: N_("Serious environmental violation"),
        ComplianceKind.RESEARCH_MISCONDUCT: N_("Research misconduct"),
        ComplianceKind.SERIOUS_DISHONESTY: N_("Serious-dishonesty list"),
        ComplianceKind.RESTRICTED_PRODUCT: N_("Prohibited or restricted product"),
    },
    DataScope: {
        DataScope.PROFILE: N_("Profile (non-public)"),
        DataScope.FINANCIALS: N_("Financial data"),
        DataScope.TAX: N_("Tax data"),
        DataScope.SOCIAL_SECURITY: N_("Social-security data"),
        DataScope.IP: N_("IP details"),
        DataScope.CREDIT_HISTORY: N_("Credit history"),
        DataScope.ASSESSMENT: N_("Assessment results"),
    },
    GrantPurpose: {
        GrantPurpose.CREDIT_ASSESSMENT: N_("Credit assessment"),
        GrantPurpose.POST_LOAN_MONITORING: N_("Post-loan monitoring"),
        GrantPurpose.GUARANTEE_REVIEW: N_("Guarantee review"),
        GrantPurpose.INSURANCE_UNDERWRITING: N_("Insurance underwriting"),
        GrantPurpose.INVESTMENT_DUE_DILIGENCE: N_("Investment due diligence"),
        GrantPurpose.POLICY_SUPPORT: N_("Policy support"),
    },
    Status: {
        Status.MET: N_("Met"),
        Status.MANUAL_REVIEW: N_("Expert review"),
        Status.UNKNOWN: N_("Data missing"),
        Status.UNMET: N_("Not met"),
        Status.NOT_APPLICABLE: N_("Not applicable"),
    },
    GrantStatus: {
        GrantStatus.ACTIVE: N_("Active"),
        GrantStatus.EXPIRED: N_("Expired"),
        GrantStatus.REVOKED: N_("Revoked"),
    },
    **PRODUCT_LABELS,
    **NEED_LABELS,
    **DOCUMENT_LABELS,
}


def label(locale: str, member: StrEnum | None) -> str:
    """The display name of an enum value in `locale` ("—" for a missing value)."""
    if member is None:
        return "—"
    return translate(locale, LABELS[type(member)][member.value])
