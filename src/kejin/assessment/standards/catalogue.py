"""Rule-set versions read from data files, and the choice of the version in force on a date."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from decimal import Decimal
from importlib import resources
from pathlib import Path

from kejin.assessment.errors import RuleSetNotInForce
from kejin.assessment.standards.rules import RuleSet, parse_ruleset


def load_rulesets(directory: Path | None = None) -> tuple[RuleSet, ...]:
    """Every `*.json` rule file in `directory` (default: the rule sets shipped with Kejin)."""
    folder = directory or Path(str(resources.files("kejin.assessment") / "rulesets"))
    return tuple(
        parse_ruleset(json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal))
        for path in sorted(folder.glob("*.json"))
    )


def ruleset_in_force(rulesets: Iterable[RuleSet], code: str, on: dt.date) -> RuleSet:
    """The version of rule set `code` in force on `on`; a date outside every version is an error."""
    for ruleset in rulesets:
        if ruleset.version.code == code and ruleset.version.in_force(on):
            return ruleset
    raise RuleSetNotInForce(
        "No version of rule set {code} is in force on {date}", code=code, date=on.isoformat()
    )
