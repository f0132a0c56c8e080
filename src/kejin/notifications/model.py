"""Pure notification vocabulary: what a notice is about and who receives it.

A notice stores a message id and its parameters, never rendered text, so each reader sees it in
their own language.
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum

from kejin.core.errors import FieldProblem, InvalidInput


class NotificationKind(StrEnum):
    NEED_MATCHED = "need_matched"  # a posted need fits one of the institution's products
    NEED_PICKED_UP = "need_picked_up"
    OFFER_RECEIVED = "offer_received"
    OFFER_DECIDED = "offer_decided"
    SLA_BREACHED = "sla_breached"  # a pick-up lapsed, or a need expired unanswered


@dataclasses.dataclass(frozen=True, slots=True)
class Recipient:
    """Exactly one of an institution (all its staff), an enterprise (all its users) or a user."""

    institution_id: int | None = None
    enterprise_id: int | None = None
    user_id: int | None = None

    def __post_init__(self) -> None:
        named = [self.institution_id, self.enterprise_id, self.user_id]
        if sum(value is not None for value in named) != 1:
            raise InvalidInput(
                "Invalid input",
                [FieldProblem("recipient", "A notice has exactly one recipient")],
            )
