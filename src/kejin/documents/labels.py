"""Display names of the document library's kinds, as English message ids; `kejin.web.labels`
merges them into its table and translates them per locale."""

from __future__ import annotations

from enum import StrEnum

from kejin.core.i18n import N_
from kejin.documents.model import DocumentKind

LABELS: dict[type[StrEnum], dict[str, str]] = {
    DocumentKind: {
        DocumentKind.GUIDE: N_("Guide"),
        DocumentKind.LAW: N_("Law"),
        DocumentKind.REGULATION: N_("Administrative regulation"),
        DocumentKind.JUDICIAL_INTERPRETATION: N_("Judicial interpretation"),
        DocumentKind.LOCAL_REGULATION: N_("Local regulation"),
        DocumentKind.DEPARTMENTAL_RULE: N_("Departmental rule"),
        DocumentKind.PARTY_DOCUMENT: N_("Party document"),
        DocumentKind.GOVERNMENT_REPORT: N_("Government work report"),
        DocumentKind.POLICY: N_("Policy document"),
        DocumentKind.NEWS: N_("News"),
    },
}
