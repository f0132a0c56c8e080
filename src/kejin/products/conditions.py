"""Eligibility trees as a provider writes them: parsed over the match vocabulary, and a fault
located to the criterion and field that caused it (`eligibility.children[2].value`).

The assessment's parser reports the first fault of a whole tree; a provider editing one product
needs to know where it is. `parse_eligibility` parses the tree; on a fault it parses each
criterion on its own, children first, so the deepest faulty criterion is named, then finds the
field by removing one field at a time until the fault changes. `check_compiles` then runs the
batch compiler once, so a saved tree is one every match run can evaluate.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from typing import Any

import polars as pl

from kejin.assessment.batch.verdicts import assess_frame
from kejin.assessment.inputs.frames import KEY_SCHEMA
from kejin.assessment.standards.rules import RuleSet, parse_ruleset
from kejin.core.errors import FieldProblem, InvalidInput
from kejin.core.i18n import N_
from kejin.products.vocabulary import MATCH_INPUTS, MATCH_VOCABULARY

ROOT = "eligibility"
FAULT = N_("This condition is not valid: {detail}")
_EMPTY_FRAME = pl.DataFrame(schema=KEY_SCHEMA | dict(MATCH_VOCABULARY.schema))
_REPR = re.compile(r"^\w+\((['\"])(.*)\1\)$")  # "ValueError('…')" → "…"


def parse_eligibility(tree: Any, code: str, on: dt.date | None = None) -> RuleSet:
    """The tree of product or policy `code` as a rule set over `MATCH_INPUTS`, or an
    `InvalidInput` whose one problem names the faulty criterion and field."""
    fault = _fault(tree)
    if fault is None:
        return parse_ruleset(_document(tree, code, on), inputs=MATCH_INPUTS)
    place, detail = _locate(tree, ROOT)
    problem = FieldProblem(place, FAULT, params={"detail": detail})
    raise InvalidInput("Invalid input", problems=[problem], field=place)


def check_compiles(ruleset: RuleSet, on: dt.date) -> None:
    """Compile `ruleset` with the batch engine once (over no rows), as every match run will: a
    tree the scalar parser accepts but the compiler refuses is refused at save, not at night."""
    try:
        assess_frame([ruleset], _EMPTY_FRAME, on, vocabulary=MATCH_VOCABULARY, codes=True)
    except (ValueError, TypeError, pl.exceptions.PolarsError) as error:
        problem = FieldProblem(ROOT, FAULT, params={"detail": str(error)})
        raise InvalidInput("Invalid input", problems=[problem], field=ROOT) from error


def _document(tree: Any, code: str = "check", on: dt.date | None = None) -> dict[str, Any]:
    start = (on or dt.date(2000, 1, 1)).isoformat()
    return {
        "code": code,
        "name_zh": code,
        "name_en": code,
        "issuer": "-",
        "doc_no": "",
        "version": start,
        "effective_from": start,
        "effective_to": None,
        "source_url": "",
        "verdict": tree,
    }


def _fault(node: Any) -> str | None:
    """Why `node` (with everything under it) does not parse, or None."""
    if not isinstance(node, Mapping):
        return "a condition is an object"
    try:
        parse_ruleset(_document(node), inputs=MATCH_INPUTS)
    except ArithmeticError:
        return "not a number"
    except InvalidInput as error:
        reason = str(error.params.get("reason", error))
        unwrapped = _REPR.match(reason)
        return unwrapped.group(2) if unwrapped else reason
    return None


def _locate(node: Any, place: str) -> tuple[str, str]:
    """The place and reason of the deepest fault under `node` (which has one)."""
    for child_place, child in _children(node, place):
        if _fault(child) is not None:
            return _locate(child, child_place)
    detail = _fault(node) or ""
    if not isinstance(node, Mapping):
        return place, detail
    for name in node:
        # without its id or kind any criterion fails, so neither can point at the fault
        if name not in ("id", "kind") and _without(node, name) != detail:
            return f"{place}.{name}", detail
    return (f"{place}.kind" if detail.startswith("unknown kind") else place), detail


def _without(node: Mapping[str, Any], name: str) -> str | None:
    return _fault({key: value for key, value in node.items() if key != name})


def _children(node: Any, place: str) -> Iterator[tuple[str, Any]]:
    if not isinstance(node, Mapping):
        return
    children = node.get("children")
    if isinstance(children, list):
        for index, child in enumerate(children):
            yield f"{place}.children[{index}]", child
    rungs = node.get("rungs")
    if isinstance(rungs, list):
        for index, rung in enumerate(rungs):
            if isinstance(rung, Mapping) and "when" in rung:
                yield f"{place}.rungs[{index}].when", rung["when"]
