"""Storage of needs: the claim and release counters moved in SQL, rows by key, the history and
the lists the pages show. Nothing here commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kejin.needs.model import LIVE, NeedStatus, OfferStatus, PickupStatus
from kejin.needs.orm import NeedEventRow, NeedRow, NeedTargetRow, OfferRow, PickupRow

LIVE_PICKUPS = (PickupStatus.ACTIVE, PickupStatus.OFFERED)


def claim(session: Session, need_id: int) -> NeedStatus | None:
    """Take one pick-up place of a live need in a conditional UPDATE and return the status it
    had (None: no place was free). The counter moves in SQL, so two providers clicking at once
    cannot both read a free place: on PostgreSQL the second waits on the row lock and re-checks
    the condition against the committed row; on SQLite the write lock queues writers. The
    first pick-up of a posted need is tried apart, so the status it replaced is known."""
    first = _take_place(session, need_id, (NeedStatus.POSTED,), NeedStatus.PICKED_UP)
    if first:
        return NeedStatus.POSTED
    more = (NeedStatus.PICKED_UP, NeedStatus.OFFERED)
    if not _take_place(session, need_id, more, None):
        return None
    status = session.scalar(select(NeedRow.status).where(NeedRow.id == need_id))
    return None if status is None else NeedStatus(status)


def _take_place(
    session: Session, need_id: int, statuses: tuple[NeedStatus, ...], status: NeedStatus | None
) -> bool:
    values: dict[str, Any] = {"pickups": NeedRow.pickups + 1, "version": NeedRow.version + 1}
    if status is not None:
        values["status"] = status
    result = session.execute(
        update(NeedRow)
        .where(
            NeedRow.id == need_id,
            NeedRow.status.in_(statuses),
            NeedRow.pickups < NeedRow.max_pickups,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def release(session: Session, need_id: int) -> None:
    """Give one pick-up place back."""
    session.execute(
        update(NeedRow)
        .where(NeedRow.id == need_id, NeedRow.pickups > 0)
        .values(pickups=NeedRow.pickups - 1, version=NeedRow.version + 1)
        .execution_options(synchronize_session=False)
    )


def reopen(session: Session, need_id: int, pickup_due_at: datetime) -> bool:
    """Return a need with no pick-up left to posted, with a new pick-up deadline."""
    result = session.execute(
        update(NeedRow)
        .where(
            NeedRow.id == need_id,
            NeedRow.status.in_((NeedStatus.PICKED_UP, NeedStatus.OFFERED)),
            NeedRow.pickups == 0,
        )
        .values(
            status=NeedStatus.POSTED,
            version=NeedRow.version + 1,
            pickup_due_at=pickup_due_at,
            decide_due_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def set_status(
    session: Session, need_id: int, expected: NeedStatus, status: NeedStatus, **values: Any
) -> bool:
    """Move a need from `expected` to `status` if nobody moved it first."""
    result = session.execute(
        update(NeedRow)
        .where(NeedRow.id == need_id, NeedRow.status == expected)
        .values(status=status, version=NeedRow.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def need(session: Session, need_id: int) -> NeedRow | None:
    return session.execute(
        select(NeedRow).where(NeedRow.id == need_id).execution_options(populate_existing=True)
    ).scalar_one_or_none()


def targets(
    session: Session, need_id: int, institution_id: int | None = None
) -> list[NeedTargetRow]:
    query = select(NeedTargetRow).where(NeedTargetRow.need_id == need_id)
    if institution_id is not None:
        query = query.where(NeedTargetRow.institution_id == institution_id)
    return list(session.scalars(query.order_by(NeedTargetRow.product_code)))


def pickup(session: Session, pickup_id: int) -> PickupRow | None:
    return session.get(PickupRow, pickup_id, populate_existing=True)


def pickups(session: Session, need_id: int) -> list[PickupRow]:
    query = select(PickupRow).where(PickupRow.need_id == need_id).order_by(PickupRow.id)
    return list(session.scalars(query))


def live_pickup(session: Session, need_id: int, institution_id: int) -> PickupRow | None:
    return session.scalars(
        select(PickupRow).where(
            PickupRow.need_id == need_id,
            PickupRow.institution_id == institution_id,
            PickupRow.status.in_(LIVE_PICKUPS),
        )
    ).first()


def offer(session: Session, offer_id: int) -> OfferRow | None:
    return session.get(OfferRow, offer_id, populate_existing=True)


def offers(session: Session, need_id: int) -> list[OfferRow]:
    query = select(OfferRow).where(OfferRow.need_id == need_id).order_by(OfferRow.id)
    return list(session.scalars(query))


def events(session: Session, need_id: int) -> list[NeedEventRow]:
    query = select(NeedEventRow).where(NeedEventRow.need_id == need_id)
    return list(session.scalars(query.order_by(NeedEventRow.id)))


def add_event(
    session: Session,
    need_id: int,
    *,
    at: datetime,
    actor: str,
    event: str,
    from_status: NeedStatus | None = None,
    to_status: NeedStatus | None = None,
    pickup_id: int | None = None,
    offer_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        NeedEventRow(
            need_id=need_id,
            at=at,
            actor=actor,
            event=event,
            from_status=from_status,
            to_status=to_status,
            pickup_id=pickup_id,
            offer_id=offer_id,
            detail=detail or {},
        )
    )
    session.flush()


def enterprise_needs(
    session: Session, enterprise_id: int, offset: int, limit: int
) -> tuple[list[NeedRow], int]:
    where = NeedRow.enterprise_id == enterprise_id
    total = session.scalar(select(func.count()).select_from(NeedRow).where(where)) or 0
    rows = session.scalars(
        select(NeedRow).where(where).order_by(NeedRow.id.desc()).offset(offset).limit(limit)
    )
    return list(rows), total


def open_for(session: Session, institution_id: int) -> list[tuple[NeedRow, NeedTargetRow]]:
    """Live needs that target the institution and that it has not picked up, oldest first."""
    picked = select(PickupRow.need_id).where(PickupRow.institution_id == institution_id)
    query = (
        select(NeedRow, NeedTargetRow)
        .join(NeedTargetRow, NeedTargetRow.need_id == NeedRow.id)
        .where(
            NeedTargetRow.institution_id == institution_id,
            NeedRow.status.in_(tuple(LIVE)),
            NeedRow.pickups < NeedRow.max_pickups,
            NeedRow.id.not_in(picked),
        )
        .order_by(NeedRow.posted_at, NeedRow.id, NeedTargetRow.product_code)
    )
    return [(row[0], row[1]) for row in session.execute(query)]


def institution_pickups(session: Session, institution_id: int) -> list[tuple[PickupRow, NeedRow]]:
    query = (
        select(PickupRow, NeedRow)
        .join(NeedRow, NeedRow.id == PickupRow.need_id)
        .where(PickupRow.institution_id == institution_id)
        .order_by(PickupRow.picked_at.desc(), PickupRow.id.desc())
    )
    return [(row[0], row[1]) for row in session.execute(query)]


def lapsing(session: Session, now: datetime) -> Sequence[PickupRow]:
    """Active pick-ups whose offer deadline has passed."""
    query = select(PickupRow).where(
        PickupRow.status == PickupStatus.ACTIVE, PickupRow.offer_due_at < now
    )
    return list(session.scalars(query.order_by(PickupRow.id)))


def expiring(session: Session, posted_before: datetime) -> Sequence[NeedRow]:
    """Needs still waiting for a first pick-up since before `posted_before`."""
    query = select(NeedRow).where(
        NeedRow.status == NeedStatus.POSTED, NeedRow.posted_at < posted_before
    )
    return list(session.scalars(query.order_by(NeedRow.id)))


def stale_offers(session: Session, on: date) -> Sequence[OfferRow]:
    """Open offers whose validity ended before `on`."""
    query = select(OfferRow).where(OfferRow.status == OfferStatus.OPEN, OfferRow.valid_until < on)
    return list(session.scalars(query.order_by(OfferRow.id)))
