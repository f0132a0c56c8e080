"""Catalogue use cases: the marketplace's reads, the provider's versioned save, and policies
(the catalogue as a whole — import, export, the live copy — is in `imports`).

Every write bumps the catalogue revision and is audited in the same transaction, and commits
once. A save names the version it changes; the row is updated only `WHERE version = expected`,
so of two editors who read version 3 the second gets `ProductChanged` and nothing is written.
Only the staff of the product's provider save it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kejin.audit import service as audit
from kejin.core.errors import FieldProblem, InvalidInput
from kejin.core.i18n import N_
from kejin.core.pagination import PageRequest
from kejin.core.uow import UnitOfWork
from kejin.identity.model import Principal
from kejin.products import repository
from kejin.products.conditions import check_compiles, parse_eligibility
from kejin.products.entries import exact, policy_entry, product_entry
from kejin.products.errors import NotProvider, PolicyNotFound, ProductChanged, ProductNotFound
from kejin.products.loader import parse_policy, parse_product
from kejin.products.model import ProductSpec, ProductStatus
from kejin.products.orm import PolicyRow, ProductRow
from kejin.products.schemas import (
    MAX_COMPARED,
    PolicyList,
    PolicyRead,
    PolicyWrite,
    ProductEdit,
    ProductFilters,
    ProductPage,
    ProductRead,
    ProductVersionRead,
    ProductWrite,
    ProviderRead,
)
from kejin.products.views import Names, filtered, policy_read, product_read

UowFactory = Callable[[], UnitOfWork]
SUBJECT = "financing_product"
SAVED = "products.save"
POLICY_SUBJECT = "financing_policy"
POLICY_SAVED = "policies.save"
NOT_FOUND = N_("No product has the code {code}")
POLICY_NOT_FOUND = N_("No policy has the code {code}")
CHANGED = N_("It was changed since you opened it (now version {version}); reload it")
NOT_YOURS = N_("Only the staff of the institution offering it may edit it")
TOO_MANY = N_("Compare between one and {max} products")
KEEPS_PROVIDER = N_("it keeps its institution")
NOT_A_FIELD = N_("not a product field")
UNKNOWN_CODE = N_("unknown code {code}")
NOT_VALID = N_("is not valid: {detail}")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- reads ----------------------------------------------------------------------------------


def list_products(
    uow: UowFactory,
    filters: ProductFilters,
    request: PageRequest,
    viewer: Principal | None = None,
) -> ProductPage:
    """The marketplace: products matching every filter, by layer then code, one page. Drafts,
    suspended and retired products are listed only to their provider's staff. The catalogue
    holds hundreds of rows, so the stage filter and the page cut run after the query."""
    with uow() as work:
        names = Names.of(work.session)
        query = filtered(filters, names)
        if filters.status is not ProductStatus.PUBLISHED:
            query = query.where(ProductRow.provider_id == _staff_of(viewer))
        rows = repository.product_rows(work.session, query)
        listed = [
            (spec, row)
            for spec, row in ((repository.product_spec(row, names.codes), row) for row in rows)
            if filters.stage is None or filters.stage in spec.stages
        ]
        page = listed[request.offset : request.offset + request.size]
        return ProductPage(
            items=[product_read(spec, row, names) for spec, row in page],
            total=len(listed),
            page=request.page,
            size=request.size,
            pages=max(1, -(-len(listed) // request.size)),
            revision=repository.revision(work.session),
        )


def get_product(uow: UowFactory, code: str, viewer: Principal | None = None) -> ProductRead:
    """One product; an unpublished one only for its provider's staff (others: not found)."""
    with uow() as work:
        names = Names.of(work.session)
        row = _product_row(work.session, code)
        if row.status is not ProductStatus.PUBLISHED and row.provider_id != _staff_of(viewer):
            raise ProductNotFound(NOT_FOUND, field="code", code=code)
        return product_read(repository.product_spec(row, names.codes), row, names)


def compare_products(
    uow: UowFactory, codes: Sequence[str], viewer: Principal | None = None
) -> list[ProductRead]:
    """Up to `MAX_COMPARED` products side by side, in the order asked."""
    unique = list(dict.fromkeys(code for code in codes if code))
    if not 1 <= len(unique) <= MAX_COMPARED:
        raise InvalidInput(TOO_MANY, field="codes", max=MAX_COMPARED)
    return [get_product(uow, code, viewer) for code in unique]


def own_products(uow: UowFactory, principal: Principal) -> list[ProductRead]:
    """Every product of the principal's institution, in any status (its workbench)."""
    if principal.institution_id is None:
        return []
    with uow() as work:
        names = Names.of(work.session)
        query = select(ProductRow).where(ProductRow.provider_id == principal.institution_id)
        rows = repository.product_rows(work.session, query)
        return [product_read(repository.product_spec(row, names.codes), row, names) for row in rows]


def providers(uow: UowFactory) -> list[ProviderRead]:
    with uow() as work:
        return list(Names.of(work.session).reads.values())


def editable_product(uow: UowFactory, principal: Principal, code: str) -> ProductEdit:
    """The product as its provider's editor starts from it; others are refused (403)."""
    with uow() as work:
        names = Names.of(work.session)
        row = _product_row(work.session, code)
        _require_staff(principal, row.provider_id)
        spec = repository.product_spec(row, names.codes)
        versions = [
            ProductVersionRead(version=v.version, edited_at=v.edited_at, edited_by=v.edited_by)
            for v in repository.product_versions(work.session, row.id)
        ]
        entry = product_entry(spec)
        entry.pop("code")
        return ProductEdit(product=product_read(spec, row, names), entry=entry, versions=versions)


def list_policies(uow: UowFactory) -> PolicyList:
    with uow() as work:
        names = Names.of(work.session)
        carried = _carriers(work.session)
        items = [
            policy_read(repository.policy_spec(row, names.codes), row, names, carried)
            for row in repository.policy_rows(work.session)
        ]
        return PolicyList(items=items, revision=repository.revision(work.session))


def get_policy(uow: UowFactory, code: str) -> PolicyRead:
    with uow() as work:
        names = Names.of(work.session)
        row = _policy_row(work.session, code)
        spec = repository.policy_spec(row, names.codes)
        return policy_read(spec, row, names, _carriers(work.session))


# --- the provider's save --------------------------------------------------------------------


def save_product(
    uow: UowFactory, principal: Principal, code: str, form: ProductWrite, expected_version: int
) -> ProductRead:
    """Replace the product with `form` if it is still at `expected_version`."""
    return _save(uow, principal, code, lambda _current: form.entry(code), expected_version)


def patch_product(
    uow: UowFactory,
    principal: Principal,
    code: str,
    changes: Mapping[str, Any],
    expected_version: int,
) -> ProductRead:
    """Replace some top-level fields of the product (a JSON merge of one level), then save as
    `save_product` does."""
    unknown = sorted(set(changes) - set(ProductWrite.model_fields))
    if unknown:
        raise InvalidInput("Invalid input", problems=[FieldProblem(unknown[0], NOT_A_FIELD)])

    def merged(current: dict[str, Any]) -> dict[str, Any]:
        return form_of({**current, **changes}).entry(code)

    return _save(uow, principal, code, merged, expected_version)


def form_of(data: Mapping[str, Any]) -> ProductWrite:
    """`data` as a `ProductWrite`, or an `InvalidInput` naming each faulty field."""
    try:
        return ProductWrite.model_validate(data)
    except ValidationError as error:
        problems = [
            FieldProblem(
                ".".join(str(part) for part in fault["loc"]),
                NOT_VALID,
                params={"detail": fault["msg"]},
            )
            for fault in error.errors()
        ]
        raise InvalidInput("Invalid input", problems=problems) from error


def _save(
    uow: UowFactory,
    principal: Principal,
    code: str,
    build: Callable[[dict[str, Any]], dict[str, Any]],
    expected_version: int,
) -> ProductRead:
    with uow() as work:
        session = work.session
        names = Names.of(session)
        row = _product_row(session, code)
        _require_staff(principal, row.provider_id)
        before = product_entry(repository.product_spec(row, names.codes))
        current = {key: value for key, value in before.items() if key != "code"}
        spec = _checked(session, exact(build(exact(current))), row, names)
        moment = now()
        revision = repository.bump_revision(session, moment)
        columns = repository.product_columns(spec, names.ids) | _stamp(revision, moment, principal)
        if not repository.update_product(session, row.id, expected_version, columns):
            latest = _product_row(session, code).version
            raise ProductChanged(CHANGED, field="version", version=latest)
        after = product_entry(spec)
        repository.add_product_version(
            session, row.id, expected_version + 1, after, at=moment, by=principal.login
        )
        changed = sorted(key for key in after if after[key] != before.get(key))
        audit.record(
            session,
            actor=principal,
            action=SAVED,
            subject_type=SUBJECT,
            subject_id=code,
            detail={"version": expected_version + 1, "revision": revision, "changed": changed},
        )
        saved = _product_row(session, code)
        read = product_read(spec, saved, names)
        work.commit()
        return read


def save_policy(
    uow: UowFactory, principal: Principal, code: str, form: PolicyWrite, expected_version: int
) -> PolicyRead:
    """Replace the policy (its owner's staff only) if it is still at `expected_version`; the
    same checks, revision, version row and audit as a product's save."""
    with uow() as work:
        session = work.session
        names = Names.of(session)
        row = _policy_row(session, code)
        _require_staff(principal, row.owner_id)
        entry = exact(form.entry(code))
        if entry["owner"] != names.codes[row.owner_id]:
            raise InvalidInput("Invalid input", problems=[FieldProblem("owner", KEEPS_PROVIDER)])
        ruleset = parse_eligibility(entry["eligibility"], code)
        spec = parse_policy(entry)
        check_compiles(ruleset, spec.validity.start)
        moment = now()
        revision = repository.bump_revision(session, moment)
        columns = repository.policy_columns(spec, names.ids) | _stamp(revision, moment, principal)
        if not repository.update_policy(session, row.id, expected_version, columns):
            latest = _policy_row(session, code).version
            raise ProductChanged(CHANGED, field="version", version=latest)
        repository.add_policy_version(
            session, row.id, expected_version + 1, policy_entry(spec), at=moment, by=principal.login
        )
        audit.record(
            session,
            actor=principal,
            action=POLICY_SAVED,
            subject_type=POLICY_SUBJECT,
            subject_id=code,
            detail={"version": expected_version + 1, "revision": revision},
        )
        read = policy_read(spec, _policy_row(session, code), names, _carriers(session))
        work.commit()
        return read


def _stamp(revision: int, moment: dt.datetime, principal: Principal) -> dict[str, Any]:
    return {"revision": revision, "updated_at": moment, "updated_by": principal.login}


def _checked(session: Session, entry: dict[str, Any], row: ProductRow, names: Names) -> ProductSpec:
    """The saved entry as a spec: the tree located fault by fault, then every field, then the
    references. The provider and layer stay those of the product."""
    if entry.get("provider") != names.codes[row.provider_id]:
        raise InvalidInput("Invalid input", problems=[FieldProblem("provider", KEEPS_PROVIDER)])
    ruleset = parse_eligibility(entry.get("eligibility"), row.code)
    spec = parse_product(entry, row.layer.value)
    check_compiles(ruleset, spec.validity.start)
    known = set(names.ids)
    for name, reference in _references(spec):
        if reference not in known:
            raise _unknown(name, reference)
    if spec.policy_code is not None and repository.policy_row(session, spec.policy_code) is None:
        raise _unknown("policy", spec.policy_code)
    return spec


def _references(spec: ProductSpec) -> list[tuple[str, str]]:
    found = [("partners", partner) for partner in spec.partners]
    if spec.programme_owner is not None:
        found.append(("programme_owner", spec.programme_owner))
    return found


def _unknown(field: str, code: str) -> InvalidInput:
    problem = FieldProblem(field, UNKNOWN_CODE, params={"code": code})
    return InvalidInput("Invalid input", problems=[problem], field=field)


# --- helpers --------------------------------------------------------------------------------


def _product_row(session: Session, code: str) -> ProductRow:
    row = repository.product_row(session, code)
    if row is None:
        raise ProductNotFound(NOT_FOUND, field="code", code=code)
    return row


def _policy_row(session: Session, code: str) -> PolicyRow:
    row = repository.policy_row(session, code)
    if row is None:
        raise PolicyNotFound(POLICY_NOT_FOUND, field="code", code=code)
    return row


def _staff_of(viewer: Principal | None) -> int:
    """The institution whose unpublished products `viewer` may see (-1: none)."""
    if viewer is None or viewer.is_enterprise_user or viewer.institution_id is None:
        return -1
    return viewer.institution_id


def _require_staff(principal: Principal, institution_id: int) -> None:
    if principal.is_enterprise_user or principal.institution_id != institution_id:
        raise NotProvider(NOT_YOURS, field="provider")


def _carriers(session: Session) -> dict[str, list[str]]:
    carried: dict[str, list[str]] = {}
    for code, policy in session.execute(select(ProductRow.code, ProductRow.policy_code)):
        if policy is not None:
            carried.setdefault(policy, []).append(code)
    return carried
