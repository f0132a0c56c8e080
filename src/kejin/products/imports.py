"""The catalogue as a whole: import catalogue files into the database, export it back, and the
live catalogue that matching reads, rebuilt only when the catalogue revision moves.

An import writes each new or changed entry as a new version and audits it, with one revision
for the whole import, in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from kejin.audit import service as audit
from kejin.core.errors import FieldProblem, InvalidInput
from kejin.core.i18n import N_
from kejin.core.uow import UnitOfWork
from kejin.products import repository
from kejin.products.entries import policy_entry, product_entry
from kejin.products.loader import Catalogue
from kejin.products.model import PolicySpec, ProductSpec, ProviderSpec
from kejin.products.orm import ProductRow
from kejin.products.schemas import ImportReport
from kejin.products.views import Names

UowFactory = Callable[[], UnitOfWork]
IMPORT_ACTOR = "system:catalogue"
SUBJECT = "financing_product"
POLICY_SUBJECT = "financing_policy"
IMPORTED = "products.import"


def import_catalogue(
    uow: UowFactory, catalogue: Catalogue, actor: str = IMPORT_ACTOR
) -> ImportReport:
    """Providers, products and policies into the database: new entries at version 1, changed
    ones as a new version, equal ones left alone; one revision for the whole import. Every
    provider's institution must exist (by its Chinese name)."""
    with uow() as work:
        session = work.session
        ids = _provider_ids(session, list(catalogue.providers.values()))
        moment = dt.datetime.now(dt.UTC)
        run = _Import(
            ids=ids,
            codes={institution: code for code, institution in ids.items()},
            stamp={
                "revision": repository.revision(session) + 1,
                "updated_at": moment,
                "updated_by": actor,
            },
        )
        for policy in catalogue.policies:
            _import_policy(session, policy, run)
        for product in catalogue.products:
            _import_product(session, product, run)
        for subject_type, subjects in run.touched.items():
            if not subjects:
                continue
            audit.record_each(
                session, actor=actor, action=IMPORTED, subject_type=subject_type, subjects=subjects
            )
        if any(run.touched.values()):
            repository.bump_revision(session, moment)
        report = ImportReport(
            providers=len(ids),
            inserted=run.counts["inserted"],
            updated=run.counts["updated"],
            unchanged=run.counts["unchanged"],
            revision=repository.revision(session),
        )
        work.commit()
        return report


@dataclass(slots=True)
class _Import:
    """What one import carries from entry to entry."""

    ids: Mapping[str, int]
    codes: Mapping[int, str]
    stamp: dict[str, Any]
    counts: dict[str, int] = field(
        default_factory=lambda: {"inserted": 0, "updated": 0, "unchanged": 0}
    )
    touched: dict[str, list[tuple[str, str | None, Mapping[str, Any]]]] = field(
        default_factory=lambda: {SUBJECT: [], POLICY_SUBJECT: []}
    )


def _provider_ids(session: Session, specs: Sequence[ProviderSpec]) -> dict[str, int]:
    institutions = repository.institution_ids(session, [spec.name.zh for spec in specs])
    problems = [
        FieldProblem(spec.code, N_("no institution named {name}"), params={"name": spec.name.zh})
        for spec in specs
        if spec.name.zh not in institutions
    ]
    if problems:
        raise InvalidInput(N_("Create the providers' institutions first"), problems=problems)
    for spec in specs:
        repository.put_provider(session, spec, institutions[spec.name.zh])
    return {spec.code: institutions[spec.name.zh] for spec in specs}


def _import_product(session: Session, spec: ProductSpec, run: _Import) -> None:
    entry = product_entry(spec)
    row = repository.product_row(session, spec.code)
    if row is not None and product_entry(repository.product_spec(row, run.codes)) == entry:
        run.counts["unchanged"] += 1
        return
    columns = repository.product_columns(spec, run.ids) | run.stamp
    if row is None:
        row = repository.insert_product(session, spec.code, columns)
        run.counts["inserted"] += 1
    else:
        repository.update_product(session, row.id, row.version, columns)
        row = _current(session, spec.code)
        run.counts["updated"] += 1
    repository.add_product_version(
        session, row.id, row.version, entry, at=run.stamp["updated_at"], by=run.stamp["updated_by"]
    )
    run.touched[SUBJECT].append((spec.code, None, {"version": row.version}))


def _import_policy(session: Session, spec: PolicySpec, run: _Import) -> None:
    entry = policy_entry(spec)
    row = repository.policy_row(session, spec.code)
    if row is not None and policy_entry(repository.policy_spec(row, run.codes)) == entry:
        return
    columns = repository.policy_columns(spec, run.ids) | run.stamp
    if row is None:
        row = repository.insert_policy(session, spec.code, columns)
    else:
        repository.update_policy(session, row.id, row.version, columns)
        row = repository.policy_row(session, spec.code) or row
    repository.add_policy_version(
        session, row.id, row.version, entry, at=run.stamp["updated_at"], by=run.stamp["updated_by"]
    )
    run.touched[POLICY_SUBJECT].append((spec.code, None, {"version": row.version}))


def export_catalogue(uow: UowFactory) -> Catalogue:
    """The catalogue as the database holds it now."""
    return live_catalogue(uow).catalogue


@dataclass(frozen=True, slots=True)
class LiveCatalogue:
    revision: int
    catalogue: Catalogue
    stamp: tuple[int, dt.datetime | None]  # the revision and when it was raised
    versions: Mapping[str, int]  # product code → its current version
    institutions: Mapping[str, int]  # provider code → institution id
    policy_versions: Mapping[str, int]  # policy code → its current version


_LIVE: dict[str, LiveCatalogue] = {}  # by database URL


def live_catalogue(uow: UowFactory) -> LiveCatalogue:
    """The current catalogue, rebuilt only when the revision moved (one query otherwise): an
    edit is seen by the next read. The revision's time is part of the key, so a database
    recreated at the same URL (its revision starting again) is not mistaken for the old one."""
    with uow() as work:
        return catalogue_in(work)


def catalogue_in(work: UnitOfWork) -> LiveCatalogue:
    """`live_catalogue` inside the caller's unit of work (what it reads, it reads there)."""
    session = work.session
    key = str(session.get_bind().engine.url)
    stamp = repository.revision_stamp(session)
    cached = _LIVE.get(key)
    if cached is not None and cached.stamp == stamp:
        return cached
    names = Names.of(session)
    rows = repository.product_rows(session)
    policies = repository.policy_rows(session)
    catalogue = Catalogue(
        providers={spec.code: spec for spec in names.specs},
        products=tuple(repository.product_spec(row, names.codes) for row in rows),
        policies=tuple(repository.policy_spec(row, names.codes) for row in policies),
    )
    versions = {row.code: row.version for row in rows}
    _LIVE[key] = LiveCatalogue(
        stamp[0],
        catalogue,
        stamp,
        versions,
        dict(names.ids),
        {row.code: row.version for row in policies},
    )
    return _LIVE[key]


def _current(session: Session, code: str) -> ProductRow:
    row = repository.product_row(session, code)
    assert row is not None  # written earlier in this transaction
    return row
