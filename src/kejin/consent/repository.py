"""Consent storage: grant rows in and out, and the names that label them.

Grants reference enterprises and institutions by key; listings join their names (read only)
so a grant reads as "who granted whom" without a second round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kejin.consent.model import ConsentGrant, DataScope
from kejin.consent.orm import ConsentGrantRow
from kejin.identity.model import InstitutionKind
from kejin.identity.orm import InstitutionRow
from kejin.registry.orm import EnterpriseRow


class GrantListing(NamedTuple):
    """A grant with the names of both parties."""

    grant: ConsentGrant
    enterprise_uscc: str
    enterprise_name: str
    institution_name: str


def grant_of(row: ConsentGrantRow) -> ConsentGrant:
    return ConsentGrant(
        id=row.id,
        enterprise_id=row.enterprise_id,
        institution_id=row.institution_id,
        scopes=frozenset(DataScope(scope) for scope in row.scopes),
        purpose=row.purpose,
        granted_at=row.granted_at,
        expires_on=row.expires_on,
        revoked_at=row.revoked_at,
    )


def add_grant(
    session: Session,
    *,
    enterprise_id: int,
    institution_id: int,
    scopes: list[DataScope],
    purpose: str,
    granted_by: int,
    granted_at: datetime,
    expires_on: date,
) -> ConsentGrantRow:
    row = ConsentGrantRow(
        enterprise_id=enterprise_id,
        institution_id=institution_id,
        scopes=[scope.value for scope in scopes],
        purpose=purpose,
        granted_by=granted_by,
        granted_at=granted_at,
        expires_on=expires_on,
    )
    session.add(row)
    session.flush()
    return row


def add_grants(
    session: Session,
    *,
    enterprise_ids: Sequence[int],
    institution_id: int,
    scopes: list[DataScope],
    purpose: str,
    granted_by: int,
    granted_at: datetime,
    expires_on: date,
) -> list[ConsentGrantRow]:
    """The same grant from many enterprises to one institution, in one flush."""
    rows = [
        ConsentGrantRow(
            enterprise_id=enterprise_id,
            institution_id=institution_id,
            scopes=[scope.value for scope in scopes],
            purpose=purpose,
            granted_by=granted_by,
            granted_at=granted_at,
            expires_on=expires_on,
        )
        for enterprise_id in enterprise_ids
    ]
    session.add_all(rows)
    session.flush()
    return rows


def grant_row(session: Session, grant_id: int) -> ConsentGrantRow | None:
    return session.get(ConsentGrantRow, grant_id)


def grants_between(session: Session, enterprise_id: int, institution_id: int) -> list[ConsentGrant]:
    """Every grant (any status) from the enterprise to the institution."""
    rows = session.scalars(
        select(ConsentGrantRow).where(
            ConsentGrantRow.enterprise_id == enterprise_id,
            ConsentGrantRow.institution_id == institution_id,
        )
    )
    return [grant_of(row) for row in rows]


def unrevoked_grants_to(
    session: Session, institution_id: int, expiring_from: date
) -> list[ConsentGrant]:
    """The institution's grants not revoked and not expired before `expiring_from`, oldest
    first (one query, whatever the number of enterprises)."""
    rows = session.scalars(
        select(ConsentGrantRow)
        .where(
            ConsentGrantRow.institution_id == institution_id,
            ConsentGrantRow.revoked_at.is_(None),
            ConsentGrantRow.expires_on >= expiring_from,
        )
        .order_by(ConsentGrantRow.id)
    )
    return [grant_of(row) for row in rows]


def _listing_query() -> Select[ConsentGrantRow, str, str, str]:
    return (
        select(ConsentGrantRow, EnterpriseRow.uscc, EnterpriseRow.name, InstitutionRow.name)
        .join(EnterpriseRow, EnterpriseRow.id == ConsentGrantRow.enterprise_id)
        .join(InstitutionRow, InstitutionRow.id == ConsentGrantRow.institution_id)
        .order_by(ConsentGrantRow.granted_at.desc(), ConsentGrantRow.id.desc())
    )


def listings(
    session: Session,
    *,
    enterprise_id: int | None = None,
    institution_id: int | None = None,
    grant_id: int | None = None,
) -> list[GrantListing]:
    """Grants of one enterprise, to one institution or with one id, newest first, named."""
    query = _listing_query()
    if grant_id is not None:
        query = query.where(ConsentGrantRow.id == grant_id)
    if enterprise_id is not None:
        query = query.where(ConsentGrantRow.enterprise_id == enterprise_id)
    if institution_id is not None:
        query = query.where(ConsentGrantRow.institution_id == institution_id)
    return [
        GrantListing(grant_of(row), uscc, enterprise, institution)
        for row, uscc, enterprise, institution in session.execute(query)
    ]


def institution_name(session: Session, institution_id: int) -> str | None:
    name: str | None = session.scalar(
        select(InstitutionRow.name).where(InstitutionRow.id == institution_id)
    )
    return name


def grantee_institutions(session: Session) -> list[tuple[int, str, InstitutionKind]]:
    """Institutions an enterprise may grant access to (every kind but the platform operator)."""
    rows = session.execute(
        select(InstitutionRow.id, InstitutionRow.name, InstitutionRow.kind)
        .where(InstitutionRow.kind != InstitutionKind.PLATFORM_OPERATOR)
        .order_by(InstitutionRow.kind, InstitutionRow.name)
    )
    return [(row.id, row.name, row.kind) for row in rows]


def enterprise_id_by_code(session: Session, uscc: str) -> int | None:
    found: int | None = session.scalar(select(EnterpriseRow.id).where(EnterpriseRow.uscc == uscc))
    return found
