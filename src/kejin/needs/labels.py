"""Display names of the needs' enumerations, as English message ids; `kejin.web.labels` merges
them into its table and translates them per locale."""

from __future__ import annotations

from enum import StrEnum

from kejin.core.i18n import N_
from kejin.needs.model import (
    NeedMode,
    NeedStatus,
    OfferStatus,
    PickupStatus,
    Purpose,
    Repayment,
    SlaPhase,
    SlaState,
)

LABELS: dict[type[StrEnum], dict[str, str]] = {
    NeedStatus: {
        NeedStatus.POSTED: N_("Posted"),
        NeedStatus.PICKED_UP: N_("Picked up"),
        NeedStatus.OFFERED: N_("Offered"),
        NeedStatus.ACCEPTED: N_("Accepted"),
        NeedStatus.DECLINED: N_("Declined"),
        NeedStatus.CLOSED: N_("Closed"),
        NeedStatus.WITHDRAWN: N_("Withdrawn"),
        NeedStatus.EXPIRED: N_("Expired"),
    },
    NeedMode: {NeedMode.EXCLUSIVE: N_("Exclusive"), NeedMode.OPEN: N_("Open to several")},
    Purpose: {
        Purpose.RESEARCH: N_("Research and development"),
        Purpose.CLINICAL_TRIALS: N_("Clinical trials"),
        Purpose.EQUIPMENT: N_("Equipment"),
        Purpose.WORKING_CAPITAL: N_("Working capital"),
        Purpose.TALENT: N_("Hiring talent"),
        Purpose.COMMERCIALISATION: N_("Commercialisation and production"),
        Purpose.EXPANSION: N_("Expansion"),
        Purpose.OTHER: N_("Other"),
    },
    PickupStatus: {
        PickupStatus.ACTIVE: N_("Picked up"),
        PickupStatus.OFFERED: N_("Offered"),
        PickupStatus.LAPSED: N_("Lapsed"),
        PickupStatus.RELEASED: N_("Released"),
        PickupStatus.WON: N_("Won"),
        PickupStatus.LOST: N_("Lost"),
    },
    OfferStatus: {
        OfferStatus.OPEN: N_("Open"),
        OfferStatus.ACCEPTED: N_("Accepted"),
        OfferStatus.DECLINED: N_("Declined"),
        OfferStatus.WITHDRAWN: N_("Withdrawn"),
        OfferStatus.EXPIRED: N_("Expired"),
    },
    Repayment: {
        Repayment.BULLET: N_("Interest periodically, principal at maturity"),
        Repayment.EQUAL_PRINCIPAL: N_("Equal principal"),
        Repayment.EQUAL_INSTALMENT: N_("Equal instalments"),
    },
    SlaPhase: {
        SlaPhase.PICK_UP: N_("Pick-up"),
        SlaPhase.OFFER: N_("Offer"),
        SlaPhase.DECIDE: N_("Decision"),
    },
    SlaState: {
        SlaState.ON_TIME: N_("On time"),
        SlaState.WARNING: N_("Due soon"),
        SlaState.BREACHED: N_("Overdue"),
    },
}
