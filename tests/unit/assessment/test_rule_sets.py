"""Every shipped rule file: unique criterion ids, versions that follow each other without gap or
overlap, and an empty snapshot that gives `unknown`, never a guessed verdict."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterator

import pytest

from kejin.assessment.errors import RuleSetNotInForce
from kejin.assessment.model import EnterpriseSnapshot, Status
from kejin.assessment.standards.catalogue import load_rulesets, ruleset_in_force
from kejin.assessment.standards.engine import assess
from kejin.assessment.standards.rules import Criterion, RuleSet

RULESETS = load_rulesets()
BY_FILE = {f"{r.version.code}-{r.version.version}": r for r in RULESETS}


def criteria(criterion: Criterion) -> Iterator[Criterion]:
    yield criterion
    for child in criterion.children + tuple(rung.when for rung in criterion.rungs):
        yield from criteria(child)


@pytest.mark.parametrize("ruleset", BY_FILE.values(), ids=BY_FILE.keys())
def test_criterion_ids_are_unique_within_a_rule_set(ruleset: RuleSet) -> None:
    counts = Counter(criterion.id for criterion in criteria(ruleset.root))
    assert [name for name, count in counts.items() if count > 1] == []


@pytest.mark.parametrize("ruleset", BY_FILE.values(), ids=BY_FILE.keys())
def test_an_empty_snapshot_gives_unknown(ruleset: RuleSet) -> None:
    on = ruleset.version.effective_from
    assert assess(ruleset, EnterpriseSnapshot(), on).verdict.status is Status.UNKNOWN


def test_each_version_ends_the_day_before_the_next_begins() -> None:
    by_code = itertools.groupby(
        sorted(RULESETS, key=lambda r: (r.version.code, r.version.effective_from)),
        key=lambda r: r.version.code,
    )
    for code, versions in by_code:
        ordered = [ruleset.version for ruleset in versions]
        for earlier, later in itertools.pairwise(ordered):
            assert earlier.effective_to == later.effective_from - dt.timedelta(days=1), code
        assert ordered[-1].effective_to is None, code


@pytest.mark.parametrize(
    ("code", "first_day"),
    [
        ("star", dt.date(2021, 4, 16)),
        ("innovative_sme", dt.date(2022, 6, 1)),
        ("specialised_sme", dt.date(2022, 6, 1)),
        ("little_giant", dt.date(2022, 6, 1)),
    ],
)
def test_no_version_is_in_force_before_the_first(code: str, first_day: dt.date) -> None:
    assert ruleset_in_force(RULESETS, code, first_day).version.effective_from == first_day
    with pytest.raises(RuleSetNotInForce):
        ruleset_in_force(RULESETS, code, first_day - dt.timedelta(days=1))
