"""JSON Lines output of the demo region: the import format, exact amounts, every child kept."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import polars as pl
import pytest

from kejin.region.jsonl import nested_records, scaled_text, write_jsonl
from kejin.region.model import DemoRegion, generate_region

SCHEMA = Path(__file__).resolve().parents[3] / "docs" / "schemas" / "enterprise.schema.json"


@pytest.mark.parametrize(
    ("units", "places", "text"),
    [
        (123456, 2, "1234.56"),
        (-5, 2, "-0.05"),
        (0, 2, "0.00"),
        (8500, 4, "0.8500"),
        (10_000, 4, "1.0000"),
        (-120_000, 2, "-1200.00"),
    ],
)
def test_scaled_integers_become_exact_decimal_text(units: int, places: int, text: str) -> None:
    frame = pl.DataFrame({"value": [units]})
    assert frame.select(scaled_text("value", places)).item() == text


def test_every_line_validates_against_the_import_schema(tmp_path: Path) -> None:
    path = tmp_path / "region.jsonl"
    assert write_jsonl(generate_region(300, seed=2).frames, path) == 300
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        validator.validate(record)
        assert record["source"] == "demo"


def test_nesting_keeps_every_child_row(region: DemoRegion) -> None:
    records = nested_records(region.frames)
    assert records.height == region.frames.enterprises.height
    for name, frame in region.frames.items():
        if name != "enterprises":
            assert records[name].list.len().sum() == frame.height, name


def test_investors_are_written_as_json_dumps_writes_them(region: DemoRegion) -> None:
    for text in region.frames.funding_rounds["investors"].head(500):
        names = json.loads(text)
        assert 1 <= len(set(names)) == len(names) <= 3
        assert json.dumps(names, ensure_ascii=False) == text
