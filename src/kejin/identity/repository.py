"""Identity queries. Helpers never commit; the calling service owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kejin.identity.orm import (
    ApiTokenRow,
    InstitutionRow,
    InvitationRow,
    LoginAttemptRow,
    UserRow,
    WebSessionRow,
)


def user_by_login(session: Session, login: str) -> UserRow | None:
    return session.scalar(select(UserRow).where(func.lower(UserRow.login) == login.lower()))


def login_taken(session: Session, login: str) -> bool:
    return user_by_login(session, login) is not None


def users(session: Session, enterprise_id: int | None = None) -> Sequence[UserRow]:
    """Every user, or an enterprise's users, by login."""
    stmt = select(UserRow).order_by(UserRow.login)
    if enterprise_id is not None:
        stmt = stmt.where(UserRow.enterprise_id == enterprise_id)
    return session.scalars(stmt).all()


def institutions(session: Session) -> Sequence[InstitutionRow]:
    return session.scalars(select(InstitutionRow).order_by(InstitutionRow.name)).all()


def institution_by_name(session: Session, name: str) -> InstitutionRow | None:
    return session.scalar(select(InstitutionRow).where(InstitutionRow.name == name))


def failures_since(
    session: Session, since: datetime, *, login: str | None = None, client: str | None = None
) -> list[datetime]:
    """Times of failed sign-ins after `since` for one login name or one client address."""
    stmt = select(LoginAttemptRow.attempted_at).where(LoginAttemptRow.attempted_at > since)
    if login is not None:
        stmt = stmt.where(LoginAttemptRow.login == login.lower())
    if client is not None:
        stmt = stmt.where(LoginAttemptRow.client == client)
    return list(session.scalars(stmt))


def forget_failures(session: Session, login: str) -> None:
    session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.login == login.lower()))


def web_session(session: Session, token_hash: str) -> WebSessionRow | None:
    return session.scalar(select(WebSessionRow).where(WebSessionRow.token_hash == token_hash))


def delete_web_session(session: Session, token_hash: str) -> None:
    session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == token_hash))


def delete_sessions_of(session: Session, user_id: int) -> None:
    session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == user_id))


def api_token(session: Session, token_hash: str) -> tuple[ApiTokenRow, UserRow] | None:
    """A token and the user it acts for, in one query (every API request asks)."""
    found = session.execute(
        select(ApiTokenRow, UserRow)
        .join(UserRow, UserRow.id == ApiTokenRow.user_id)
        .where(ApiTokenRow.token_hash == token_hash)
    ).first()
    return None if found is None else (found[0], found[1])


def api_tokens_of(session: Session, user_id: int) -> Sequence[ApiTokenRow]:
    stmt = select(ApiTokenRow).where(ApiTokenRow.user_id == user_id)
    return session.scalars(stmt.order_by(ApiTokenRow.created_at.desc())).all()


def invitation(session: Session, token_hash: str) -> InvitationRow | None:
    return session.scalar(select(InvitationRow).where(InvitationRow.token_hash == token_hash))


def pending_invitations(session: Session, now: datetime) -> Sequence[InvitationRow]:
    stmt = select(InvitationRow).where(
        InvitationRow.accepted_at.is_(None), InvitationRow.expires_at > now
    )
    return session.scalars(stmt.order_by(InvitationRow.created_at.desc())).all()
