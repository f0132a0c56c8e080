"""How products are ranked for one firm, as one key: smaller is better.

In order: the match status (met, manual review, unknown, unmet), whether the firm's stage is one
of the product's stages, the fewest unmet conditions, the largest amount, the lowest all-in
rate, and the code. `rank_key` packs these into one non-negative Int64 (fields below, most
significant first) for Python; `rank_expr` builds the very same number as a Polars expression,
so the batch picks each layer's best with one `min_horizontal` and reads the product back from
the key's last field (`key_index`).
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

import polars as pl

from kejin.assessment.batch.blocks import CODES
from kejin.assessment.model import Status
from kejin.matching.model import MATCH_ORDER, match_status
from kejin.products.sizing import WAN_FEN

# (name, bits), most significant first; 63 bits in all, so keys are non-negative Int64.
FIELDS: tuple[tuple[str, int], ...] = (
    ("status", 2),  # MATCH_ORDER position
    ("misfit", 1),  # 0: the firm's stage fits the product
    ("unmet", 4),  # unmet top-level conditions, capped
    ("amount", 21),  # MAX_WAN minus the amount high in 万 (capped): more is better
    ("cost", 20),  # the all-in rate in millionths (0 to the cap); no rate counts as 0
    ("index", 15),  # the product's position in code order
)
_BITS = dict(FIELDS)
_SHIFT = {name: sum(bits for later, bits in FIELDS[i + 1 :]) for i, (name, _) in enumerate(FIELDS)}
MAX_UNMET = (1 << _BITS["unmet"]) - 1
MAX_WAN = (1 << _BITS["amount"]) - 1
MAX_COST = (1 << _BITS["cost"]) - 1
MAX_INDEX = (1 << _BITS["index"]) - 1
_MILLION = Decimal(1_000_000)


def cost_units(rate: Decimal | None) -> int:
    """The rate in millionths, floored and capped; no rate (equity, grants) counts as 0."""
    if rate is None:
        return 0
    units = int((rate * _MILLION).to_integral_value(rounding=ROUND_FLOOR))
    return min(max(units, 0), MAX_COST)


def _checked(index: int) -> int:
    if not 0 <= index <= MAX_INDEX:
        raise ValueError(f"product index {index} is beyond the key's {MAX_INDEX}")
    return index


def rank_key(
    status: Status,
    stage_fit: bool,
    unmet: int,
    amount_high_fen: int,
    *,
    rate: Decimal | None,
    index: int,
) -> int:
    """The ranking key of one product for one firm."""
    parts = {
        "status": MATCH_ORDER.index(match_status(status)),
        "misfit": 0 if stage_fit else 1,
        "unmet": min(unmet, MAX_UNMET),
        "amount": MAX_WAN - min(amount_high_fen // WAN_FEN, MAX_WAN),
        "cost": cost_units(rate),
        "index": _checked(index),
    }
    return sum(value << _SHIFT[name] for name, value in parts.items())


def rank_expr(
    status_code: pl.Expr,
    stage_fit: pl.Expr,
    unmet: pl.Expr,
    amount_high_fen: pl.Expr,
    *,
    rate: Decimal | None,
    index: int,
) -> pl.Expr:
    """`rank_key` over columns: the status as a `blocks.CODES` code, the stage fit (null: does
    not fit), the unmet count and the amount high in fen; rate and index are the product's."""
    met = CODES[Status.MET]  # codes run unmet 0 … met 3, not applicable 4 (counted as met)
    status = (pl.lit(met, pl.Int64) - status_code.cast(pl.Int64)).clip(0, met)
    misfit = (~stage_fit.fill_null(value=False)).cast(pl.Int64)
    wan = (amount_high_fen.cast(pl.Int64) // WAN_FEN).clip(upper_bound=MAX_WAN)
    constant = (cost_units(rate) << _SHIFT["cost"]) + _checked(index)
    return (
        (status * (1 << _SHIFT["status"]))
        + misfit * (1 << _SHIFT["misfit"])
        + unmet.cast(pl.Int64).clip(upper_bound=MAX_UNMET) * (1 << _SHIFT["unmet"])
        + (MAX_WAN - wan) * (1 << _SHIFT["amount"])
        + constant
    )


def key_index(key: pl.Expr) -> pl.Expr:
    """The product index held in a key's last field."""
    return (key % (1 << _BITS["index"])).cast(pl.Int32)


def status_of_key(key: pl.Expr) -> pl.Expr:
    """The match status held in a key, as a `blocks.CODES` code (met 3 … unmet 0)."""
    return (CODES[Status.MET] - key // (1 << _SHIFT["status"])).cast(pl.Int8)
