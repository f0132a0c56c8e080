"""The demo region generator (示范园区生成器): pure, vectorised and deterministic for a seed.

`generate_region` draws every firm's identity once for the whole region (so names and credit
codes are unique), then the rest in chunks of `CHUNK_SIZE` firms, each from its own seeded
stream, in this order: stage and age → equity rounds → staff and financials → IP →
standards, awards, R&D institutions, compliance → certificates → loans. No database here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from kejin.region import calibration as cal
from kejin.region.certify import certificate_frame, eligibility
from kejin.region.firms import (
    Identity,
    draw_cohort,
    draw_firms,
    draw_identity,
    enterprise_frame,
    yearly_frames,
)
from kejin.region.ip import draw_ip
from kejin.region.loans import LOAN_SCHEMA, default_probability, default_signals, draw_loans
from kejin.region.records import (
    draw_awards,
    draw_compliance,
    draw_funding,
    draw_rd_institutions,
    draw_standards,
)
from kejin.registry.frames import SCHEMAS, RegistryFrames
from kejin.registry.model import CertificationKind

Progress = Callable[[int], None]


@dataclass(frozen=True)
class DemoRegion:
    """Registry frames of the region and its loan history (keyed by `uscc`, storage units)."""

    frames: RegistryFrames
    loans: pl.DataFrame


def generate_region(
    enterprises: int = cal.DEFAULT_ENTERPRISES,
    seed: int = cal.DEFAULT_SEED,
    as_of: date = cal.DEFAULT_AS_OF,
    progress: Progress | None = None,
) -> DemoRegion:
    """A synthetic high-tech zone of `enterprises` firms; the same seed gives the same region.

    `progress`, when given, is called with the number of firms finished after each chunk.
    """
    if not 1 <= enterprises <= cal.MAX_ENTERPRISES:
        raise ValueError(f"enterprises must be between 1 and {cal.MAX_ENTERPRISES}")
    identity = draw_identity(np.random.default_rng([seed, 0]), enterprises, seed)
    chunks = []
    for number, start in enumerate(range(0, enterprises, cal.CHUNK_SIZE), start=1):
        rng = np.random.default_rng([seed, number])
        chunks.append(_chunk(rng, identity, start, min(start + cal.CHUNK_SIZE, enterprises), as_of))
        if progress is not None:
            progress(min(start + cal.CHUNK_SIZE, enterprises))
    tables = {name: pl.concat([c[name] for c in chunks]) for name in [*SCHEMAS, "loans"]}
    loans = tables.pop("loans")
    return DemoRegion(frames=RegistryFrames(**tables), loans=loans)


def _chunk(
    rng: np.random.Generator, identity: Identity, start: int, stop: int, as_of: date
) -> dict[str, pl.DataFrame]:
    cohort = draw_cohort(
        rng, identity.uscc.slice(start, stop - start), identity.cluster[start:stop], as_of
    )
    funding = draw_funding(rng, cohort, as_of)
    firms = draw_firms(rng, cohort, funding.total, as_of)
    ip_frame, ip = draw_ip(rng, firms, as_of, serial_offset=start * 8)
    compliance, flagged = draw_compliance(rng, cohort, as_of)
    holders = eligibility(
        rng, firms, ip=ip, flagged=flagged, recent_equity=funding.recent, as_of=as_of
    )
    high_tech = holders[CertificationKind.HIGH_TECH]
    signals = default_signals(firms, ip.invention_patents, high_tech, funding.total, flagged)
    staff, financial = yearly_frames(firms, as_of)
    tables = {
        "enterprises": enterprise_frame(identity, cohort, start, as_of),
        "staff_years": staff,
        "financial_years": financial,
        "ip_assets": ip_frame,
        "certifications": certificate_frame(
            rng, cohort.uscc, holders, first_index=start, as_of=as_of
        ),
        "funding_rounds": funding.frame,
        "standards": draw_standards(rng, cohort, as_of),
        "awards": draw_awards(rng, cohort, as_of),
        "rd_institutions": draw_rd_institutions(rng, cohort, as_of),
        "compliance_flags": compliance,
        "loans": draw_loans(
            rng,
            firms,
            pd=default_probability(signals),
            invention_patents=ip.invention_patents,
            equity=funding.total,
            as_of=as_of,
        ),
    }
    schemas = {**SCHEMAS, "loans": LOAN_SCHEMA}
    return {
        name: frame.select(pl.col(column).cast(dtype) for column, dtype in schemas[name].items())
        for name, frame in tables.items()
    }
