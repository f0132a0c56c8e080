"""Sign-in, sessions and API tokens: the use cases behind `kejin.web.auth`.

Failed sign-ins are counted per login name (existing or not, so lockout reveals nothing) and
per client address; five failures on one login lock it for fifteen minutes. Every answer to a
refused sign-in is the same. Sessions and tokens are stored only as digests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from kejin.audit import service as audit
from kejin.core.errors import NotFound
from kejin.core.i18n import N_
from kejin.identity import repository
from kejin.identity.credentials import digest, new_api_token, password_matches, random_token
from kejin.identity.errors import InvalidCredentials, TooManyAttempts
from kejin.identity.model import (
    CLIENT_FAILURES_BEFORE_THROTTLE,
    LOCKOUT,
    LOGIN_FAILURES_BEFORE_LOCK,
    SESSION_ABSOLUTE,
    Principal,
    as_utc,
    locked_until,
    parse_api_token,
    session_expired,
)
from kejin.identity.orm import ApiTokenRow, LoginAttemptRow, UserRow, WebSessionRow
from kejin.identity.schemas import ApiTokenCreate, ApiTokenIssued, ApiTokenRead
from kejin.identity.service import UowFactory, normal_login, now, principal_of

WRONG_CREDENTIALS = N_("Wrong login or password")
# A session's last sight and a token's last use are written at most this often: a write per
# request would cost every read a commit.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new web session: the cookie value (never stored) and its CSRF token."""

    session_token: str
    csrf_token: str
    principal: Principal


def sign_in(
    uow: UowFactory, login: str, password: str, client: str, replaces: str | None = None
) -> SignedIn:
    """A fresh session for correct credentials; `replaces` (an older session id) is ended."""
    login = normal_login(login)[:120]
    with uow() as work:
        _refuse_if_throttled(work.session, login, client)
        user = repository.user_by_login(work.session, login)
        if not password_matches(user.password_hash if user else None, password) or not (
            user and user.active
        ):
            _record_failure(work.session, login, client, user)
            work.commit()
            raise InvalidCredentials(WRONG_CREDENTIALS)
        if replaces:
            repository.delete_web_session(work.session, digest(replaces))
        signed_in = _open_session(work.session, user)
        repository.forget_failures(work.session, login)
        user.failed_logins, user.locked_until = 0, None
        audit.record(
            work.session,
            actor=signed_in.principal,
            action="login.succeeded",
            subject_type="user",
            subject_id=str(user.id),
            detail={"client": client},
        )
        work.commit()
        return signed_in


def _refuse_if_throttled(session: Session, login: str, client: str) -> None:
    since, moment = now() - LOCKOUT, now()
    by_login = [as_utc(t) for t in repository.failures_since(session, since, login=login)]
    by_client = [as_utc(t) for t in repository.failures_since(session, since, client=client)]
    if locked_until(by_login, moment, LOGIN_FAILURES_BEFORE_LOCK) or locked_until(
        by_client, moment, CLIENT_FAILURES_BEFORE_THROTTLE
    ):
        raise TooManyAttempts(
            "Too many failed sign-ins. Try again in {minutes} minutes", minutes=15
        )


def _record_failure(session: Session, login: str, client: str, user: UserRow | None) -> None:
    session.add(LoginAttemptRow(login=login, client=client[:64], attempted_at=now()))
    if user is not None:
        user.failed_logins += 1
        if user.failed_logins >= LOGIN_FAILURES_BEFORE_LOCK:
            user.locked_until = now() + LOCKOUT
    audit.record(
        session,
        actor="anonymous",
        action="login.failed",
        subject_type="login",
        subject_id=(login or "-")[:64],
        detail={"client": client},
    )


def _open_session(session: Session, user: UserRow) -> SignedIn:
    token, csrf, moment = random_token(), random_token(), now()
    session.add(
        WebSessionRow(
            token_hash=digest(token),
            user_id=user.id,
            csrf_token=csrf,
            created_at=moment,
            expires_at=moment + SESSION_ABSOLUTE,
            last_seen_at=moment,
        )
    )
    return SignedIn(session_token=token, csrf_token=csrf, principal=principal_of(user))


def sign_out(uow: UowFactory, session_token: str) -> None:
    """End the session named by its cookie value (nothing happens for an unknown one)."""
    with uow() as work:
        row = repository.web_session(work.session, digest(session_token))
        if row is None:
            return
        user = work.session.get(UserRow, row.user_id)
        repository.delete_web_session(work.session, row.token_hash)
        if user is not None:
            audit.record(
                work.session,
                actor=principal_of(user),
                action="logout",
                subject_type="user",
                subject_id=str(user.id),
            )
        work.commit()


def session_principal(uow: UowFactory, session_token: str) -> tuple[Principal, str] | None:
    """Who a session cookie belongs to and its CSRF token; None when unknown or expired."""
    with uow() as work:
        row = repository.web_session(work.session, digest(session_token))
        if row is None:
            return None
        moment = now()
        user = work.session.get(UserRow, row.user_id)
        if (
            user is None
            or not user.active
            or session_expired(as_utc(row.created_at), as_utc(row.last_seen_at), moment)
        ):
            repository.delete_web_session(work.session, row.token_hash)
            work.commit()
            return None
        if moment - as_utc(row.last_seen_at) > TOUCH_EVERY:
            row.last_seen_at = moment
            work.commit()
        return principal_of(user), row.csrf_token


def token_principal(uow: UowFactory, text: str) -> Principal:
    """Who a bearer token acts for, with its scopes; refused when malformed, expired or revoked."""
    if parse_api_token(text) is None:
        raise InvalidCredentials("The API token is malformed")
    with uow() as work:
        found = repository.api_token(work.session, digest(text))
        if found is None or not found[1].active or found[0].revoked_at is not None:
            raise InvalidCredentials("The API token is unknown or revoked")
        row, user = found
        moment = now()
        if as_utc(row.expires_at) <= moment:
            raise InvalidCredentials("The API token has expired")
        if row.last_used_at is None or moment - as_utc(row.last_used_at) > TOUCH_EVERY:
            row.last_used_at = moment
            work.commit()
        return principal_of(user, frozenset(row.scopes))


def create_api_token(uow: UowFactory, actor: Principal, form: ApiTokenCreate) -> ApiTokenIssued:
    """A new API token for the signed-in user; its text is in the answer and nowhere else."""
    prefix, text = new_api_token()
    moment = now()
    with uow() as work:
        row = ApiTokenRow(
            user_id=actor.user_id,
            name=form.name.strip(),
            prefix=prefix,
            token_hash=digest(text),
            scopes=sorted(s.value for s in set(form.scopes)),
            created_at=moment,
            expires_at=moment + timedelta(days=form.days),
        )
        work.session.add(row)
        work.session.flush()
        audit.record(
            work.session,
            actor=actor,
            action="api_token.created",
            subject_type="api_token",
            subject_id=str(row.id),
            detail={"name": row.name, "prefix": prefix, "scopes": row.scopes},
        )
        work.commit()
        return ApiTokenIssued(token=text, **ApiTokenRead.model_validate(row).model_dump())


def revoke_api_token(uow: UowFactory, actor: Principal, token_id: int) -> ApiTokenRead:
    with uow() as work:
        row = work.session.get(ApiTokenRow, token_id)
        if row is None or row.user_id != actor.user_id:
            raise NotFound("No API token with id {id}", id=token_id)
        if row.revoked_at is None:
            row.revoked_at = now()
            audit.record(
                work.session,
                actor=actor,
                action="api_token.revoked",
                subject_type="api_token",
                subject_id=str(row.id),
                detail={"prefix": row.prefix},
            )
        work.commit()
        return ApiTokenRead.model_validate(row)


def list_api_tokens(uow: UowFactory, actor: Principal) -> list[ApiTokenRead]:
    with uow() as work:
        rows = repository.api_tokens_of(work.session, actor.user_id)
        return [ApiTokenRead.model_validate(row) for row in rows]
