"""A provider's eligibility tree is parsed over the match vocabulary and a fault is located to
its criterion and field; every spec turns back into its file entry and reads back equal."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from kejin.core.errors import InvalidInput
from kejin.products import conditions
from kejin.products.conditions import check_compiles, parse_eligibility
from kejin.products.entries import exact, plain, policy_entry, product_entry
from kejin.products.loader import load_catalogue, parse_policy, parse_product

CATALOGUE = load_catalogue()
POINTS = next(p for p in CATALOGUE.products if p.code == "bank.kcb.points")


def _tree_with(path: tuple[Any, ...], value: object) -> dict[str, Any]:
    tree = copy.deepcopy(dict(POINTS.eligibility))
    node: Any = tree
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return tree


def test_a_sound_tree_parses_over_the_match_inputs() -> None:
    ruleset = parse_eligibility(POINTS.eligibility, POINTS.code)
    assert ruleset.root.children[0].measure is not None
    assert ruleset.root.children[0].measure.numerator == "innovation_points"


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("children", 0, "value"), "lots", "eligibility.children[0].value"),
        (("children", 1, "measure"), "staff_count", "eligibility.children[1].measure"),
        (("children", 2, "op"), "=>", "eligibility.children[2].op"),
        (("children", 3, "kind"), "maybe", "eligibility.children[3].kind"),
        (("children", 1, "label"), "no label", "eligibility.children[1].label"),
        (("children", 2), "not a condition", "eligibility.children[2]"),
        (("kind",), "some_of", "eligibility.kind"),
    ],
)
def test_a_fault_is_located_to_its_criterion_and_field(
    path: tuple[Any, ...], value: object, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_eligibility(_tree_with(path, value), POINTS.code)
    assert [problem.field for problem in refused.value.problems] == [field]
    assert refused.value.problems[0].params["detail"]


def test_every_product_and_policy_reads_back_equal_from_its_entry() -> None:
    for product in CATALOGUE.products:
        assert parse_product(exact(product_entry(product)), product.layer.value) == product
    for policy in CATALOGUE.policies:
        assert parse_policy(exact(policy_entry(policy))) == policy


def test_json_numbers_stay_exact_through_plain_and_exact() -> None:
    values = {"rate": Decimal("0.0175"), "amount": Decimal("3000000.00"), "list": [Decimal("1.5")]}
    assert plain(values) == {"rate": 0.0175, "amount": 3000000, "list": [1.5]}
    assert exact(values) == {"rate": Decimal("0.0175"), "amount": 3000000, "list": [Decimal("1.5")]}


def test_every_shipped_tree_compiles_for_the_batch_engine() -> None:
    for spec in (*CATALOGUE.products, *CATALOGUE.policies):
        check_compiles(parse_eligibility(spec.eligibility, spec.code), spec.validity.start)


def test_a_tree_the_compiler_refuses_is_refused_at_eligibility(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise ValueError("no batch form for this criterion")

    monkeypatch.setattr(conditions, "assess_frame", refuse)
    with pytest.raises(InvalidInput) as refused:
        check_compiles(parse_eligibility(POINTS.eligibility, POINTS.code), POINTS.validity.start)
    assert refused.value.problems[0].field == "eligibility"
    assert "no batch form" in refused.value.problems[0].params["detail"]
