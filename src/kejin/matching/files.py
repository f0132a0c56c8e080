"""`kejin match FILE`: the financing map of every enterprise of an import file, without a
database. The statuses, stage and points come from `assessment.service.assess_file` (the file's
firms are their own population), IP facts from the file's IP assets; the file carries no loans,
so loan facts stay unknown. Products and policies are the shipped catalogue's."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from kejin.assessment import service as assessment
from kejin.core.errors import FieldProblem
from kejin.matching.batch import STATUS_NAMES, match_frame
from kejin.matching.catalogue import MatchCatalogue, catalogue_on
from kejin.matching.facts import ip_facts_frame
from kejin.matching.inputs import IpFacts, match_inputs
from kejin.matching.model import PolicyList
from kejin.products.loader import Catalogue, load_catalogue
from kejin.products.model import Layer

_IP_COLUMNS = [field.name for field in dataclasses.fields(IpFacts)]
_FEN = Decimal("0.01")


@dataclasses.dataclass(frozen=True)
class FileMaps:
    """Per firm of the file: each layer's best product and the policies that list it."""

    evaluated_on: dt.date
    catalogue: MatchCatalogue
    layers: pl.DataFrame  # `batch.MatchFrames.layers`
    policies: pl.DataFrame  # `batch.MatchFrames.policies`
    problems: list[FieldProblem]
    rejected: int


def match_file(path: Path, on: dt.date, catalogue: Catalogue | None = None) -> FileMaps:
    answered = assessment.assess_file(path, on)
    compiled = catalogue_on(catalogue or load_catalogue(), on)
    assets = answered.ip_assets.lazy().rename({"uscc": "enterprise_id"})
    ip = ip_facts_frame(assets, on).rename({"enterprise_id": "uscc"}).collect()
    facts = (
        answered.snapshots.select("uscc")
        .join(ip, on="uscc", how="left", maintain_order="left")
        .with_columns(pl.col(name).fill_null(0) for name in _IP_COLUMNS)
    )
    frames = match_frame(compiled, match_inputs(answered.snapshots, answered.results, facts))
    return FileMaps(
        on, compiled, frames.layers, frames.policies, answered.problems, answered.rejected
    )


def firm_maps(found: FileMaps) -> list[dict[str, Any]]:
    """Per firm: its stage, each layer's best product (status, amount high in CNY, counts) and
    the policies it is entitled to (免申即享) or may apply for."""
    layers = [layer for layer in Layer if f"{layer}.best" in found.layers.columns]
    policies = found.policies.to_dicts()
    maps = []
    for row, listed in zip(found.layers.to_dicts(), policies, strict=True):
        maps.append(
            {
                "uscc": row["uscc"],
                "stage": row["stage"],
                "layers": {layer.value: _layer(row, layer) for layer in layers},
                "entitled": _listed(found, listed, PolicyList.AUTOMATIC),
                "apply": _listed(found, listed, PolicyList.APPLY),
            }
        )
    return maps


def _layer(row: dict[str, Any], layer: Layer) -> dict[str, Any]:
    high = row[f"{layer}.amount_high"]
    return {
        "best": row[f"{layer}.best"],
        "status": STATUS_NAMES[row[f"{layer}.status"]],
        "amount_high": None if high is None else str(Decimal(high) * _FEN),
        "met": row[f"{layer}.met"],
        "review": row[f"{layer}.review"],
        "unknown": row[f"{layer}.unknown"],
    }


def _listed(found: FileMaps, row: dict[str, Any], wanted: PolicyList) -> list[str]:
    return [e.code for e in found.catalogue.policies if row[f"{e.code}.list"] == wanted.value]


def as_json(found: FileMaps) -> str:
    document = {
        "evaluated_on": found.evaluated_on.isoformat(),
        "enterprises": firm_maps(found),
        "rejected": found.rejected,
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def as_csv(found: FileMaps) -> str:
    """One row per firm and layer: the best product, its status and amount, and the counts."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["uscc", "stage", "layer", "best", "status", "amount_high", "met", "review",
                     "unknown", "entitled", "apply"])  # fmt: skip
    for firm in firm_maps(found):
        for layer, best in firm["layers"].items():
            writer.writerow(
                [
                    firm["uscc"],
                    firm["stage"],
                    layer,
                    *best.values(),
                    ";".join(firm["entitled"]),
                    ";".join(firm["apply"]),
                ]
            )
    return buffer.getvalue()
