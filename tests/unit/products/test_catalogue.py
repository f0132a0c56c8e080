"""The shipped catalogue: every file loads, every eligibility is a valid rule set over the match
vocabulary, every amount rule parses, and a broken file is refused naming file, code and field."""

from __future__ import annotations

import collections
import json
import shutil
from pathlib import Path

import pytest

from kejin.assessment.model import SNAPSHOT_INPUTS
from kejin.assessment.standards.rules import parse_ruleset
from kejin.core.errors import InvalidInput
from kejin.products.loader import Catalogue, load_catalogue, ruleset_document, shipped_directory
from kejin.products.model import Layer, PolicyMode, PolicySpec, ProductSpec
from kejin.products.sizing import measures, parse_sizing
from kejin.products.vocabulary import MATCH_FIELDS

CATALOGUE = load_catalogue()
INPUTS = SNAPSHOT_INPUTS | frozenset(MATCH_FIELDS)
SPECS: tuple[ProductSpec | PolicySpec, ...] = (*CATALOGUE.products, *CATALOGUE.policies)


def test_the_demo_catalogue_has_63_products_over_five_layers_and_12_policies() -> None:
    layers = collections.Counter(product.layer for product in CATALOGUE.products)
    assert len(CATALOGUE.products) >= 63
    assert layers == {
        Layer.GOVERNMENT: 12,
        Layer.EQUITY: 12,
        Layer.BANK: 23,
        Layer.GUARANTEE_INSURANCE: 10,
        Layer.CAPITAL_MARKET: 6,
    }
    assert len(CATALOGUE.policies) == 12
    assert {policy.mode for policy in CATALOGUE.policies} == set(PolicyMode)


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.code)
def test_every_eligibility_parses_as_a_rule_set_over_the_match_inputs(
    spec: ProductSpec | PolicySpec,
) -> None:
    ruleset = parse_ruleset(ruleset_document(spec, "issuer"), inputs=INPUTS)
    assert ruleset.root.id == f"{spec.code}/eligibility"


def test_every_amount_rule_parses_and_reads_known_inputs() -> None:
    rules = [parse_sizing(spec.sizing) for spec in SPECS if spec.sizing is not None]
    assert len(rules) == len(CATALOGUE.products) + 5  # five policies pay money by a rule
    assert frozenset().union(*(measures(sizing.rule) for sizing in rules)) <= INPUTS


def test_a_match_input_never_shadows_a_snapshot_input() -> None:
    assert not SNAPSHOT_INPUTS & MATCH_FIELDS.keys()


def test_every_figure_cites_a_source_and_invented_ones_say_so() -> None:
    for spec in SPECS:
        assert spec.provenance.source.strip()
        if not any(
            cited in spec.provenance.source for cited in ("RULES.md", "法", "条例", "seed/")
        ):
            assert any("Demo" in note or "service" in note for note in spec.provenance.notes), (
                spec.code
            )


def test_a_start_up_finds_products_in_every_layer_but_star_listing_is_far_away() -> None:
    start_up = [product for product in CATALOGUE.products if "start_up" in product.stages]
    assert {product.layer for product in start_up} == set(Layer)
    assert "cap.star.readiness" not in {product.code for product in start_up}


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "catalogue"
    shutil.copytree(shipped_directory(), folder)
    return folder


def _edit(path: Path, key: str, change: dict[str, object]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data[key][0].update(change)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "key", "change", "field"),
    [
        ("products/bank.json", "products", {"amount": {"min": 500, "max": 100}}, "amount.max"),
        ("products/bank.json", "products", {"pricing": {"basis": "fee_rate"}}, "pricing.fee_rate"),
        ("products/bank.json", "products", {"family": "grant"}, "family"),
        ("products/bank.json", "products", {"stages": ["teen"]}, "stages"),
        ("products/bank.json", "products", {"provider": "nobody"}, "provider"),
        ("products/bank.json", "products", {"policy": "no_such_policy"}, "policy"),
        ("products/equity.json", "products", {"sizing": {"rule": "share_of", "measure": "staff",
                                                         "share": 0.1}}, "sizing.measure"),
        ("policies.json", "policies", {"mode": "sometimes"}, "mode"),
    ],
)  # fmt: skip
def test_a_broken_entry_is_refused_naming_file_code_and_field(
    tmp_path: Path, file: str, key: str, change: dict[str, object], field: str
) -> None:
    folder = _copy(tmp_path)
    _edit(folder / file, key, change)
    with pytest.raises(InvalidInput) as raised:
        load_catalogue(folder)
    code = raised.value.params["code"]
    assert raised.value.params["file"] == Path(file).name
    assert raised.value.problems[0].field == f"{code}/{field}"
    assert code == json.loads((folder / file).read_text(encoding="utf-8"))[key][0]["code"]


def test_an_eligibility_reading_an_unknown_input_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "products" / "government.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["products"][0]["eligibility"]["children"][0]["measure"] = "horoscope"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InvalidInput) as raised:
        load_catalogue(folder)
    assert raised.value.problems[0].field == "gov.subsidy.interest/eligibility"


def test_loaded_catalogue_is_a_value() -> None:
    assert isinstance(CATALOGUE, Catalogue)
    assert load_catalogue() == CATALOGUE


def test_a_layer_file_holds_only_its_own_layer(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "products" / "equity.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(data | {"layer": "bank"}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InvalidInput) as raised:
        load_catalogue(folder)
    assert raised.value.problems[0].field == "-/layer"
