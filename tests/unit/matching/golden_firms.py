"""Golden financing maps: a firm's inputs and its expected map, read from readable JSON files
under `golden/`. A map is written as the test compares it: per layer the products best first,
each with status, unmet count, amount and its checklist (status and sentences per condition,
any-of groups nested); the policies by list.

After a deliberate change to the catalogue or the engine, rewrite the expected maps with
`KEJIN_UPDATE_GOLDEN=1 pytest tests/unit/matching/test_golden.py` and review the diff.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from kejin.matching.model import ChecklistItem, EnterpriseMatch, PolicyList
from kejin.products.vocabulary import MatchSnapshot


def snapshot_from(values: Mapping[str, Any]) -> MatchSnapshot:
    """A match snapshot from JSON values: strings are decimals (or tokens for text inputs),
    lists of names are sets, lists of strings of digits are histories."""
    types = {field.name: str(field.type) for field in dataclasses.fields(MatchSnapshot)}

    def convert(name: str, value: Any) -> Any:
        kind = types[name]
        if value is None or isinstance(value, bool | int) or kind.startswith("str"):
            return value
        if kind.startswith("frozenset"):
            return frozenset(value)
        if kind.startswith("tuple"):
            return tuple(Decimal(item) for item in value)
        return Decimal(value)

    return MatchSnapshot(**{name: convert(name, value) for name, value in values.items()})


def _item(item: ChecklistItem) -> dict[str, Any]:
    written: dict[str, Any] = {
        "id": item.id,
        "status": item.status.value,
        "en": item.sentence_en,
        "zh": item.sentence_zh,
    }
    if item.options:
        written["any_of"] = [_item(option) for option in item.options]
    return written


def written_map(match: EnterpriseMatch) -> dict[str, Any]:
    """The map as the golden files hold it."""
    layers = {
        layer.value: [
            {
                "code": m.code,
                "status": m.status.value,
                "stage_fit": m.stage_fit,
                "unmet": m.unmet,
                "amount": [str(m.amount.low), str(m.amount.high)],
                "indicative": m.amount.indicative,
                "rate": None if m.rate is None else str(m.rate),
                "checklist": [_item(item) for item in m.checklist],
            }
            for m in matches
        ]
        for layer, matches in match.layers.items()
    }
    policies = {
        listed.value: [
            {
                "code": p.code,
                "status": p.status.value,
                "benefit": None if p.benefit is None else [str(p.benefit.low), str(p.benefit.high)],
            }
            for p in match.policies
            if p.list is listed
        ]
        for listed in PolicyList
    }
    return {"stage": match.stage, "layers": layers, "policies": policies}
