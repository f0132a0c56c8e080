"""Consent use cases: grant, revoke and list grants; check every consented read; show an
enterprise who looked at its data; seed the demo's grants.

`require_access` is the one gate for consented reads. Reads by institution users are recorded in
the audit log, allowed or refused. A refusal must survive the failed request, so `require_access`
commits the caller's unit of work (holding only the refusal entry: every use case checks access
before it writes anything) and then raises `AccessRefused`. Lists showing many firms' figures
ask `readable_enterprise_ids` which rows they may fill and `record_list_reads` to log them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kejin.audit import service as audit
from kejin.audit.model import AuditEntry
from kejin.consent import repository
from kejin.consent.errors import AccessRefused, GrantNotFound
from kejin.consent.model import (
    CONSENTED_SECTIONS,
    AccessDecision,
    ConsentGrant,
    DataScope,
    GrantPurpose,
    decide,
    grant_problems,
    is_own_enterprise,
)
from kejin.consent.schemas import (
    AccessLogEntry,
    AccessLogPage,
    GrantCreate,
    GrantList,
    GrantRead,
    InstitutionOption,
)
from kejin.core.errors import FieldProblem, InvalidInput, NotFound, PermissionDenied
from kejin.core.i18n import N_
from kejin.core.pagination import PageRequest
from kejin.core.uow import UnitOfWork
from kejin.identity.model import Principal, Role

UowFactory = Callable[[], UnitOfWork]
PLATFORM_ZONE = ZoneInfo("Asia/Shanghai")  # a grant's expiry day ends at midnight here
SUBJECT = "enterprise"
READ = "consent.read"
READ_REFUSED = "consent.read_refused"
GRANTED = "consent.grant"
REVOKED = "consent.revoke"
DEMO_ACTOR = "system:demo"
REFUSALS = {
    DataScope.PROFILE: N_(
        "This enterprise has not granted you access to its profile for {purpose}"
    ),
    DataScope.FINANCIALS: N_(
        "This enterprise has not granted you access to its financial data for {purpose}"
    ),
    DataScope.TAX: N_("This enterprise has not granted you access to its tax data for {purpose}"),
    DataScope.SOCIAL_SECURITY: N_(
        "This enterprise has not granted you access to its social-security data for {purpose}"
    ),
    DataScope.IP: N_(
        "This enterprise has not granted you access to its intellectual-property details for"
        " {purpose}"
    ),
    DataScope.CREDIT_HISTORY: N_(
        "This enterprise has not granted you access to its credit history for {purpose}"
    ),
    DataScope.ASSESSMENT: N_(
        "This enterprise has not granted you access to its assessment results for {purpose}"
    ),
}


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().astimezone(PLATFORM_ZONE).date()


def require_access(
    session: Session, principal: Principal, enterprise_id: int, scope: DataScope, purpose: str
) -> None:
    """Allow the read, or record the refusal, commit it and raise `AccessRefused` (403).

    The enterprise's own users always read their data (not logged: nothing was shared). Anyone
    else reads only within a live grant to their institution covering `scope` for `purpose`;
    the read is recorded either way. Call this before writing anything in the unit of work.
    """
    if is_own_enterprise(principal, enterprise_id):
        return
    grants = (
        repository.grants_between(session, enterprise_id, principal.institution_id)
        if principal.institution_id is not None and not principal.is_enterprise_user
        else []
    )
    decision = decide(principal, enterprise_id, scope, purpose, grants=grants, today=today())
    _record_read(
        session,
        principal,
        enterprise_id=enterprise_id,
        scopes=[scope],
        purpose=purpose,
        decision=decision,
    )
    if not decision.allowed:
        session.commit()
        raise AccessRefused(REFUSALS[scope], field="scope", purpose=purpose)


def readable_scopes(
    session: Session,
    principal: Principal | None,
    enterprise_id: int,
    also: frozenset[DataScope] = frozenset(),
) -> frozenset[DataScope]:
    """The consented scopes `principal` may see on the enterprise's page, and of `also` (scopes
    a use case reads beyond the page's sections); each live grant used is recorded as an
    allowed read for its purpose (the caller commits)."""
    if principal is None:
        return frozenset()
    if is_own_enterprise(principal, enterprise_id):
        return frozenset(DataScope)
    if principal.institution_id is None or principal.is_enterprise_user:
        return frozenset()
    shown = set(CONSENTED_SECTIONS.values()) | also
    readable: set[DataScope] = set()
    for grant in repository.grants_between(session, enterprise_id, principal.institution_id):
        opened = sorted(grant.scopes & shown)
        if grant.is_live(today()) and opened:
            decision = AccessDecision(allowed=True, reason="grant", grant_id=grant.id)
            _record_read(
                session,
                principal,
                enterprise_id=enterprise_id,
                scopes=opened,
                purpose=grant.purpose,
                decision=decision,
            )
            readable.update(opened)
    return frozenset(readable)


def readable_enterprise_ids(
    session: Session, principal: Principal | None, scope: DataScope
) -> frozenset[int]:
    """The enterprises whose `scope` data `principal` may see in a list: their own enterprise
    for its users; for institution staff, every enterprise with a live grant of `scope` to
    their institution (one query); nothing for anyone else."""
    if principal is None:
        return frozenset()
    if principal.is_enterprise_user:
        own = principal.enterprise_id
        return frozenset() if own is None else frozenset({own})
    return frozenset(grant.enterprise_id for grant in _covering_grants(session, principal, scope))


def record_list_reads(
    session: Session, principal: Principal | None, enterprise_ids: Iterable[int], scope: DataScope
) -> bool:
    """Record that a list or export showed `scope` data of these enterprises: one allowed read
    per enterprise, under the purpose of its oldest live grant covering `scope`, with
    `listed=True` in the detail. The enterprise's own users are not logged. A fixed number of
    queries whatever the number of enterprises; returns whether anything was recorded (the
    caller then commits)."""
    if principal is None or principal.is_enterprise_user:
        return False
    wanted = set(enterprise_ids)
    grants: dict[int, ConsentGrant] = {}
    for grant_ in _covering_grants(session, principal, scope):
        if grant_.enterprise_id in wanted:
            grants.setdefault(grant_.enterprise_id, grant_)
    if not grants:
        return False
    institution = _institution(session, principal)
    subjects = [
        (
            str(enterprise_id),
            grant_.purpose,
            _read_detail(
                principal,
                institution,
                [scope],
                AccessDecision(allowed=True, reason="grant", grant_id=grant_.id),
            )
            | {"listed": True},
        )
        for enterprise_id, grant_ in sorted(grants.items())
    ]
    audit.record_each(
        session, actor=principal, action=READ, subject_type=SUBJECT, subjects=subjects
    )
    return True


def _covering_grants(
    session: Session, principal: Principal, scope: DataScope
) -> list[ConsentGrant]:
    if principal.institution_id is None or principal.is_enterprise_user:
        return []
    on = today()
    return [
        grant_
        for grant_ in repository.unrevoked_grants_to(session, principal.institution_id, on)
        if grant_.is_live(on) and scope in grant_.scopes
    ]


def _institution(session: Session, principal: Principal) -> str | None:
    if principal.institution_id is None:
        return None
    return repository.institution_name(session, principal.institution_id)


def _read_detail(
    principal: Principal,
    institution: str | None,
    scopes: Sequence[DataScope],
    decision: AccessDecision,
) -> dict[str, Any]:
    return {
        "scopes": [scope.value for scope in scopes],
        "outcome": "allowed" if decision.allowed else "refused",
        "reason": decision.reason,
        "grant_id": decision.grant_id,
        "institution_id": principal.institution_id,
        "institution": institution,
    }


def _record_read(
    session: Session,
    principal: Principal,
    *,
    enterprise_id: int,
    scopes: Sequence[DataScope],
    purpose: str,
    decision: AccessDecision,
) -> None:
    audit.record(
        session,
        actor=principal,
        action=READ if decision.allowed else READ_REFUSED,
        subject_type=SUBJECT,
        subject_id=str(enterprise_id),
        purpose=purpose,
        detail=_read_detail(principal, _institution(session, principal), scopes, decision),
    )


def grant(uow: UowFactory, principal: Principal, request: GrantCreate) -> GrantRead:
    """An enterprise admin opens scopes of the enterprise's data to an institution."""
    enterprise_id = _own_enterprise(principal, admin=True)
    scopes = list(dict.fromkeys(request.scopes))
    with uow() as work:
        session = work.session
        institution = _grantee_name(session, request.institution_id)
        problems = grant_problems(scopes, request.expires_on, today())
        if institution is None:
            problems.append(FieldProblem("institution_id", N_("no such institution")))
        if problems:
            raise InvalidInput("The grant was not saved", problems=problems)
        row = repository.add_grant(
            session,
            enterprise_id=enterprise_id,
            institution_id=request.institution_id,
            scopes=scopes,
            purpose=request.purpose.value,
            granted_by=principal.user_id,
            granted_at=now(),
            expires_on=request.expires_on,
        )
        _record_change(session, principal, GRANTED, row.id)
        work.commit()
        return _grant_read(session, row.id)


def grant_within(
    session: Session,
    actor: Principal,
    *,
    enterprise_id: int,
    institution_id: int,
    scopes: Sequence[DataScope],
    purpose: GrantPurpose,
    granted_by: int,
    expires_on: date,
) -> int:
    """A grant the enterprise gave in advance (with a financing need), opened inside the
    caller's unit of work when `actor`'s institution picks the need up; never commits."""
    row = repository.add_grant(
        session,
        enterprise_id=enterprise_id,
        institution_id=institution_id,
        scopes=list(dict.fromkeys(scopes)),
        purpose=purpose.value,
        granted_by=granted_by,
        granted_at=now(),
        expires_on=expires_on,
    )
    _record_change(session, actor, GRANTED, row.id)
    return row.id


def revoke(uow: UowFactory, principal: Principal, grant_id: int) -> GrantRead:
    """End a grant now; the next read through it is refused. Revoking twice changes nothing."""
    enterprise_id = _own_enterprise(principal, admin=True)
    with uow() as work:
        session = work.session
        row = repository.grant_row(session, grant_id)
        if row is None or row.enterprise_id != enterprise_id:
            raise GrantNotFound("no grant {id} of your enterprise", field="id", id=grant_id)
        if row.revoked_at is None:
            row.revoked_at = now()
            row.revoked_by = principal.user_id
            _record_change(session, principal, REVOKED, row.id)
            work.commit()
        return _grant_read(session, grant_id)


def my_grants(uow: UowFactory, principal: Principal) -> GrantList:
    """Enterprise users: their enterprise's grants. Institution users: grants to their
    institution. Newest first, in every status."""
    with uow() as work:
        if principal.is_enterprise_user:
            found = repository.listings(work.session, enterprise_id=principal.enterprise_id or 0)
        elif principal.institution_id is not None:
            found = repository.listings(work.session, institution_id=principal.institution_id)
        else:
            found = []
        return GrantList(items=[_listing_read(listing) for listing in found])


def grantee_options(uow: UowFactory) -> list[InstitutionOption]:
    """The institutions the grant form offers."""
    with uow() as work:
        rows = repository.grantee_institutions(work.session)
    return [InstitutionOption(id=id_, name=name, kind=kind.value) for id_, name, kind in rows]


def access_log(
    uow: UowFactory, principal: Principal, uscc: str, request: PageRequest
) -> AccessLogPage:
    """Who looked at the enterprise's data (or tried), when and why; grants and revocations
    too, newest first. Only the enterprise's own users see it."""
    with uow() as work:
        enterprise_id = repository.enterprise_id_by_code(work.session, uscc.strip().upper())
    if enterprise_id is None:
        raise NotFound("no enterprise with credit code {code}", field="uscc", code=uscc)
    if not is_own_enterprise(principal, enterprise_id):
        raise PermissionDenied("Only the enterprise's own users see who looked at its data")
    return _history(uow, enterprise_id, request)


def own_access_log(uow: UowFactory, principal: Principal, request: PageRequest) -> AccessLogPage:
    """The access history of the signed-in enterprise user's own enterprise."""
    return _history(uow, _own_enterprise(principal, admin=False), request)


def _history(uow: UowFactory, enterprise_id: int, request: PageRequest) -> AccessLogPage:
    page = audit.entries_about(uow, SUBJECT, str(enterprise_id), request)
    return AccessLogPage(
        items=[_log_entry(entry) for entry in page.items],
        total=page.total,
        page=page.page,
        size=page.size,
        pages=page.pages,
    )


def _log_entry(entry: AuditEntry) -> AccessLogEntry:
    detail: Mapping[str, Any] = entry.detail
    return AccessLogEntry(
        recorded_at=entry.recorded_at,
        actor=entry.actor,
        institution=detail.get("institution"),
        action=entry.action,
        scopes=[DataScope(scope) for scope in detail.get("scopes", [])],
        purpose=entry.purpose,
        outcome=detail.get("outcome"),
    )


def _own_enterprise(principal: Principal, *, admin: bool) -> int:
    allowed = principal.role is Role.ENTERPRISE_ADMIN or not admin
    if not principal.is_enterprise_user or principal.enterprise_id is None or not allowed:
        raise PermissionDenied("Only an enterprise's administrator manages its consents")
    return principal.enterprise_id


def _grantee_name(session: Session, institution_id: int) -> str | None:
    grantees = {id_: name for id_, name, _ in repository.grantee_institutions(session)}
    return grantees.get(institution_id)


def _record_change(session: Session, actor: Principal | str, action: str, grant_id: int) -> None:
    listing = _grant_read(session, grant_id)
    audit.record(
        session,
        actor=actor,
        action=action,
        subject_type=SUBJECT,
        subject_id=str(listing.enterprise_id),
        purpose=listing.purpose,
        detail={
            "grant_id": grant_id,
            "scopes": [scope.value for scope in listing.scopes],
            "institution_id": listing.institution_id,
            "institution": listing.institution_name,
            "expires_on": listing.expires_on.isoformat(),
        },
    )


def _grant_read(session: Session, grant_id: int) -> GrantRead:
    found = repository.listings(session, grant_id=grant_id)
    if not found:
        raise GrantNotFound("no grant {id} of your enterprise", field="id", id=grant_id)
    return _listing_read(found[0])


def _listing_read(listing: repository.GrantListing) -> GrantRead:
    grant_ = listing.grant
    return GrantRead(
        id=grant_.id,
        enterprise_id=grant_.enterprise_id,
        enterprise_uscc=listing.enterprise_uscc,
        enterprise_name=listing.enterprise_name,
        institution_id=grant_.institution_id,
        institution_name=listing.institution_name,
        scopes=sorted(grant_.scopes),
        purpose=grant_.purpose,
        granted_at=grant_.granted_at,
        expires_on=grant_.expires_on,
        revoked_at=grant_.revoked_at,
        status=grant_.status_on(today()),
    )


@dataclass(frozen=True, slots=True)
class DemoGrant:
    """One grant of the demo: the scopes, why, days from today to expiry (negative: already
    expired) and whether the enterprise has since revoked it."""

    scopes: frozenset[DataScope]
    purpose: GrantPurpose
    days: int
    revoked: bool = False


# The demo bank's grants, by position in the enterprise list; each opens the assessment too.
DEMO_GRANTS = (
    DemoGrant(
        frozenset(
            {
                DataScope.FINANCIALS,
                DataScope.IP,
                DataScope.SOCIAL_SECURITY,
                DataScope.PROFILE,
                DataScope.ASSESSMENT,
            }
        ),
        GrantPurpose.CREDIT_ASSESSMENT,
        180,
    ),
    DemoGrant(
        frozenset({DataScope.FINANCIALS, DataScope.IP, DataScope.ASSESSMENT}),
        GrantPurpose.CREDIT_ASSESSMENT,
        90,
    ),
    DemoGrant(
        frozenset({DataScope.FINANCIALS, DataScope.ASSESSMENT}),
        GrantPurpose.CREDIT_ASSESSMENT,
        90,
        revoked=True,
    ),
    DemoGrant(
        frozenset({DataScope.FINANCIALS, DataScope.ASSESSMENT}), GrantPurpose.CREDIT_ASSESSMENT, -1
    ),
)
# What the demo's firms of the policy clusters open to the government office.
DEMO_POLICY_GRANT = DemoGrant(frozenset({DataScope.ASSESSMENT}), GrantPurpose.POLICY_SUPPORT, 365)
DEMO_FUND_GRANT = DemoGrant(
    frozenset({DataScope.FINANCIALS, DataScope.IP}), GrantPurpose.INVESTMENT_DUE_DILIGENCE, 90
)


def seed_demo_grants(
    uow: UowFactory, grantors: Mapping[int, int], institution_ids: Sequence[int]
) -> list[int]:
    """Grants for `kejin demo`, so the demo bank sees some enterprises' data and not others'.

    `grantors` maps enterprise ids, in order, to the id of the user who grants for it;
    `institution_ids[0]` is the demo bank. The first four enterprises grant the bank: broad
    access for 180 days; financials and IP for 90 days; financials, then revoked; financials,
    expired yesterday. With a second institution (a fund), the first enterprise also opens
    financials and IP to it for due diligence. Every other enterprise grants nothing.
    Returns the new grant ids.
    """
    enterprises = list(grantors)
    plan = [
        (enterprise_id, institution_ids[0], demo)
        for enterprise_id, demo in zip(enterprises, DEMO_GRANTS, strict=False)
    ]
    if enterprises and len(institution_ids) > 1:
        plan.append((enterprises[0], institution_ids[1], DEMO_FUND_GRANT))
    with uow() as work:
        ids = [
            _demo_grant(work.session, grantors[enterprise], enterprise, institution, demo)
            for enterprise, institution, demo in plan
        ]
        work.commit()
    return ids


def seed_demo_policy_grants(
    uow: UowFactory, enterprise_ids: Sequence[int], institution_id: int, seeded_by: int
) -> int:
    """Grants of `DEMO_POLICY_GRANT` from every enterprise of `enterprise_ids` to the demo's
    government office, so its analysts see the assessments of part of the region (a firm
    applying for policy support shares its assessment). The demo has no account for most of
    these firms, so `seeded_by` (a demo user) stands in as the one who granted; the audit log
    names the demo as the actor. Written in bulk, one audit entry per grant; returns the count."""
    demo = DEMO_POLICY_GRANT
    with uow() as work:
        rows = repository.add_grants(
            work.session,
            enterprise_ids=enterprise_ids,
            institution_id=institution_id,
            scopes=sorted(demo.scopes),
            purpose=demo.purpose.value,
            granted_by=seeded_by,
            granted_at=now() - timedelta(days=30),
            expires_on=today() + timedelta(days=demo.days),
        )
        institution = repository.institution_name(work.session, institution_id)
        audit.record_each(
            work.session,
            actor=DEMO_ACTOR,
            action=GRANTED,
            subject_type=SUBJECT,
            subjects=[
                (
                    str(row.enterprise_id),
                    row.purpose,
                    {
                        "grant_id": row.id,
                        "scopes": row.scopes,
                        "institution_id": institution_id,
                        "institution": institution,
                        "expires_on": row.expires_on.isoformat(),
                    },
                )
                for row in rows
            ],
        )
        work.commit()
    return len(rows)


def _demo_grant(
    session: Session, grantor: int, enterprise_id: int, institution_id: int, demo: DemoGrant
) -> int:
    row = repository.add_grant(
        session,
        enterprise_id=enterprise_id,
        institution_id=institution_id,
        scopes=sorted(demo.scopes),
        purpose=demo.purpose.value,
        granted_by=grantor,
        granted_at=now() - timedelta(days=max(0, -demo.days) + 30),
        expires_on=today() + timedelta(days=demo.days),
    )
    _record_change(session, DEMO_ACTOR, GRANTED, row.id)
    if demo.revoked:
        row.revoked_at = now()
        row.revoked_by = grantor
        _record_change(session, DEMO_ACTOR, REVOKED, row.id)
    return row.id
