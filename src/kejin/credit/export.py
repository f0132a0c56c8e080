"""The scorecard artefact: one JSON document that reloads without refitting, and SQL CASE
expressions that score rows inside a database (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from kejin.credit.errors import UnknownArtefact
from kejin.credit.model import (
    FORMAT,
    DataSource,
    FeatureKind,
    FeatureScorecard,
    Scaling,
    Scorecard,
    ScoredBin,
    Trend,
)


def to_document(scorecard: Scorecard) -> dict[str, Any]:
    """The artefact as JSON-ready data, with its format and a content version."""
    body = dataclasses.asdict(scorecard)
    return {"format": FORMAT, "version": content_version(scorecard), **body}


def content_version(scorecard: Scorecard) -> str:
    """A short hash of the artefact's content: two artefacts share it only if they score alike."""
    body = json.dumps(dataclasses.asdict(scorecard), sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()[:12]


def dumps(scorecard: Scorecard) -> str:
    return json.dumps(to_document(scorecard), indent=2, ensure_ascii=False)


def loads(text: str) -> Scorecard:
    """The scorecard an artefact holds; floats round-trip exactly through JSON."""
    document = json.loads(text)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise UnknownArtefact("not a scorecard artefact of format {format}", format=FORMAT)
    features = tuple(_feature(f) for f in document["features"])
    scorecard = Scorecard(
        target=document["target"],
        event=document["event"],
        intercept=document["intercept"],
        scaling=Scaling(**document["scaling"]),
        features=features,
        data=DataSource(**document["data"]),
        seed=document["seed"],
    )
    if content_version(scorecard) != document["version"]:
        raise UnknownArtefact("the artefact's content does not match its version")
    return scorecard


def _feature(raw: dict[str, Any]) -> FeatureScorecard:
    return FeatureScorecard(
        name=raw["name"],
        kind=FeatureKind(raw["kind"]),
        trend=Trend(raw["trend"]),
        coefficient=raw["coefficient"],
        bins=tuple(ScoredBin(**b) for b in raw["bins"]),
        special=ScoredBin(**raw["special"]),
        missing=ScoredBin(**raw["missing"]),
        splits=tuple(raw["splits"]),
        categories=tuple(tuple(group) for group in raw["categories"]),
        special_codes=tuple(raw["special_codes"]),
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _number(value: float) -> str:
    """A float literal both databases read as double precision (`repr` round-trips exactly)."""
    return f"CAST({value!r} AS DOUBLE PRECISION)"


def feature_case(feature: FeatureScorecard) -> str:
    """One feature's points as a SQL CASE expression, with the same order of tests as
    `scoring.points_expression`: missing, special codes, then the bins."""
    column = _quote(feature.name)
    whens = [f"WHEN {column} IS NULL THEN {_number(feature.missing.points)}"]
    if feature.kind is FeatureKind.NUMERIC:
        if feature.special_codes:
            codes = ", ".join(repr(c) for c in feature.special_codes)
            whens.append(f"WHEN {column} IN ({codes}) THEN {_number(feature.special.points)}")
        for split, scored in zip(feature.splits, feature.bins, strict=False):
            whens.append(f"WHEN {column} < {split!r} THEN {_number(scored.points)}")
        last = feature.bins[-1].points
    else:
        for group, scored in zip(feature.categories, feature.bins, strict=True):
            values = ", ".join(_text(v) for v in group)
            whens.append(f"WHEN CAST({column} AS TEXT) IN ({values}) THEN {_number(scored.points)}")
        last = feature.missing.points
    return "CASE " + " ".join(whens) + f" ELSE {_number(last)} END"


def score_sql(scorecard: Scorecard) -> str:
    """The score as one SQL expression: the sum of the features' CASE expressions."""
    return " + ".join(f"({feature_case(f)})" for f in scorecard.features)


def sql_expressions(scorecard: Scorecard) -> dict[str, str]:
    """Each feature's CASE expression by name, and `score`, their sum."""
    cases = {f.name: feature_case(f) for f in scorecard.features}
    return {**cases, "score": score_sql(scorecard)}
