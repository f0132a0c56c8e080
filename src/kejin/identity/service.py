"""Account use cases: institutions, enterprise sign-up, invitations, members, deactivation.

Who may call each one is declared on its route (`kejin.web.policy`); the checks here are the
ones only data can answer (an enterprise admin manages only their own enterprise's members).
Every write is recorded in the audit log inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from kejin.audit import service as audit
from kejin.core.errors import Conflict, FieldProblem, InvalidInput, NotFound, PermissionDenied
from kejin.core.i18n import N_
from kejin.core.uow import UnitOfWork
from kejin.identity import repository
from kejin.identity.credentials import digest, hash_password, random_token
from kejin.identity.errors import InvalidInvitation
from kejin.identity.model import (
    INVITATION_VALIDITY,
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    InstitutionKind,
    Principal,
    Role,
    as_utc,
    password_problems,
    role_fits_institution,
)
from kejin.identity.orm import InstitutionRow, InvitationRow, UserRow
from kejin.identity.schemas import (
    EnterpriseSignUp,
    InstitutionCreate,
    InstitutionRead,
    InvitationCreate,
    InvitationIssued,
    MemberCreate,
    UserRead,
)
from kejin.registry import service as registry

UowFactory = Callable[[], UnitOfWork]
PLATFORM_OPERATOR_NAME = "Kejin platform operator"


def now() -> datetime:
    return datetime.now(UTC)


def normal_login(login: str) -> str:
    return login.strip().lower()


def principal_of(user: UserRow, scopes: frozenset[str] | None = None) -> Principal:
    return Principal(
        user_id=user.id,
        login=user.login,
        role=user.role,
        institution_id=user.institution_id,
        enterprise_id=user.enterprise_id,
        scopes=scopes,
    )


def check_password(login: str, password: str) -> None:
    """Refuse a password that breaks the policy, naming every reason."""
    reasons = password_problems(login, password)
    if reasons:
        problems = [
            FieldProblem(
                "password",
                reason,
                params={"min_length": MIN_PASSWORD_LENGTH, "max_length": MAX_PASSWORD_LENGTH},
            )
            for reason in reasons
        ]
        raise InvalidInput(N_("The password is not acceptable"), problems=problems)


def new_user_row(
    session: Session,
    actor: Principal | str,
    login: str,
    display_name: str,
    password: str,
    *,
    role: Role,
    institution_id: int | None = None,
    enterprise_id: int | None = None,
) -> UserRow:
    login = normal_login(login)
    check_password(login, password)
    if repository.login_taken(session, login):
        raise Conflict("The login name {login} is already taken", field="login", login=login)
    user = UserRow(
        login=login,
        display_name=display_name.strip(),
        role=role,
        institution_id=institution_id,
        enterprise_id=enterprise_id,
        password_hash=hash_password(password),
        active=True,
        failed_logins=0,
    )
    session.add(user)
    session.flush()
    detail = {"login": login, "role": role.value}
    audit.record(
        session,
        actor=actor,
        action="user.created",
        subject_type="user",
        subject_id=str(user.id),
        detail=detail,
    )
    return user


def create_platform_admin(
    uow: UowFactory, login: str, display_name: str, password: str
) -> UserRead:
    """A platform admin of the platform operator (created on first use); for `kejin users`."""
    with uow() as work:
        operator = repository.institution_by_name(work.session, PLATFORM_OPERATOR_NAME)
        if operator is None:
            operator = InstitutionRow(
                name=PLATFORM_OPERATOR_NAME, kind=InstitutionKind.PLATFORM_OPERATOR
            )
            work.session.add(operator)
            work.session.flush()
        user = new_user_row(
            work.session,
            "system:cli",
            login,
            display_name,
            password,
            role=Role.PLATFORM_ADMIN,
            institution_id=operator.id,
        )
        work.commit()
        return UserRead.model_validate(user)


def sign_up_enterprise(uow: UowFactory, form: EnterpriseSignUp) -> UserRead:
    """An enterprise admin account, once the credit code and exact registered name match."""
    with uow() as work:
        enterprise_id = registry.find_enterprise_id(work.session, form.uscc, form.enterprise_name)
        if enterprise_id is None:
            mismatch = FieldProblem("enterprise_name", "does not match the registry")
            raise InvalidInput(
                N_("No registered enterprise has this credit code and name"), problems=[mismatch]
            )
        user = new_user_row(
            work.session,
            f"signup:{normal_login(form.login)}",
            form.login,
            form.display_name,
            form.password,
            role=Role.ENTERPRISE_ADMIN,
            enterprise_id=enterprise_id,
        )
        work.commit()
        return UserRead.model_validate(user)


def add_member(uow: UowFactory, actor: Principal, form: MemberCreate) -> UserRead:
    """An enterprise admin adds a member of their own enterprise."""
    if actor.role is not Role.ENTERPRISE_ADMIN or actor.enterprise_id is None:
        raise PermissionDenied("Only an enterprise admin may add members")
    with uow() as work:
        user = new_user_row(
            work.session,
            actor,
            form.login,
            form.display_name,
            form.password,
            role=Role.ENTERPRISE_MEMBER,
            enterprise_id=actor.enterprise_id,
        )
        work.commit()
        return UserRead.model_validate(user)


def create_institution(
    uow: UowFactory, actor: Principal, form: InstitutionCreate
) -> InstitutionRead:
    with uow() as work:
        if repository.institution_by_name(work.session, form.name.strip()):
            raise Conflict("An institution named {name} exists", field="name", name=form.name)
        row = InstitutionRow(name=form.name.strip(), kind=form.kind, uscc=form.uscc or None)
        work.session.add(row)
        work.session.flush()
        audit.record(
            work.session,
            actor=actor,
            action="institution.created",
            subject_type="institution",
            subject_id=str(row.id),
            detail={"name": row.name, "kind": row.kind.value},
        )
        work.commit()
        return InstitutionRead.model_validate(row)


def invite_user(uow: UowFactory, actor: Principal, form: InvitationCreate) -> InvitationIssued:
    """An invitation to join an institution with a role; the token is returned once."""
    with uow() as work:
        institution = work.session.get(InstitutionRow, form.institution_id)
        if institution is None:
            raise NotFound(
                "No institution with id {id}", field="institution_id", id=form.institution_id
            )
        if not role_fits_institution(form.role, institution.kind):
            misfit = FieldProblem("role", "does not fit the institution")
            raise InvalidInput(
                N_("This role does not belong in this kind of institution"), problems=[misfit]
            )
        login = normal_login(form.login)
        if repository.login_taken(work.session, login):
            raise Conflict("The login name {login} is already taken", field="login", login=login)
        token, moment = random_token(), now()
        row = InvitationRow(
            token_hash=digest(token),
            institution_id=institution.id,
            role=form.role,
            login=login,
            created_by=actor.user_id,
            created_at=moment,
            expires_at=moment + INVITATION_VALIDITY,
        )
        work.session.add(row)
        work.session.flush()
        audit.record(
            work.session,
            actor=actor,
            action="invitation.created",
            subject_type="invitation",
            subject_id=str(row.id),
            detail={"login": login, "role": form.role.value, "institution_id": institution.id},
        )
        work.commit()
        return InvitationIssued(id=row.id, login=login, token=token, expires_at=row.expires_at)


def accept_invitation(uow: UowFactory, token: str, display_name: str, password: str) -> UserRead:
    """Turn a live invitation into an account; each invitation works once."""
    with uow() as work:
        row = repository.invitation(work.session, digest(token))
        if row is None or row.accepted_at is not None or as_utc(row.expires_at) <= now():
            raise InvalidInvitation("This invitation is invalid, used or expired")
        user = new_user_row(
            work.session,
            f"invitation:{row.id}",
            row.login,
            display_name,
            password,
            role=row.role,
            institution_id=row.institution_id,
        )
        row.accepted_at = now()
        work.commit()
        return UserRead.model_validate(user)


def deactivate_user(uow: UowFactory, actor: Principal, user_id: int) -> UserRead:
    """Switch an account off and end its sessions; enterprise admins only for their members."""
    with uow() as work:
        user = work.session.get(UserRow, user_id)
        if user is None or not _manages(actor, user):
            raise NotFound("No user with id {id}", id=user_id)
        if user.id == actor.user_id:
            raise Conflict("You cannot deactivate your own account")
        user.active = False
        user.version += 1
        repository.delete_sessions_of(work.session, user.id)
        audit.record(
            work.session,
            actor=actor,
            action="user.deactivated",
            subject_type="user",
            subject_id=str(user.id),
            detail={"login": user.login},
        )
        work.commit()
        return UserRead.model_validate(user)


def _manages(actor: Principal, user: UserRow) -> bool:
    if actor.role is Role.PLATFORM_ADMIN:
        return True
    return actor.role is Role.ENTERPRISE_ADMIN and user.enterprise_id == actor.enterprise_id


def list_users(uow: UowFactory, actor: Principal) -> list[UserRead]:
    """Every account for a platform admin; the enterprise's accounts for an enterprise admin."""
    if actor.role is Role.PLATFORM_ADMIN:
        return all_users(uow)
    if actor.role is not Role.ENTERPRISE_ADMIN or actor.enterprise_id is None:
        raise PermissionDenied("You may not list accounts")
    with uow() as work:
        rows = repository.users(work.session, actor.enterprise_id)
        return [UserRead.model_validate(row) for row in rows]


def all_users(uow: UowFactory) -> list[UserRead]:
    """Every account, for the operator's command line."""
    with uow() as work:
        return [UserRead.model_validate(row) for row in repository.users(work.session)]


def list_institutions(uow: UowFactory) -> list[InstitutionRead]:
    with uow() as work:
        return [
            InstitutionRead.model_validate(row) for row in repository.institutions(work.session)
        ]


def institution_names(work: UnitOfWork, ids: Iterable[int]) -> dict[int, str]:
    """The names of the institutions of `ids`, inside the caller's unit of work."""
    wanted = set(ids)
    return {row.id: row.name for row in repository.institutions(work.session) if row.id in wanted}
