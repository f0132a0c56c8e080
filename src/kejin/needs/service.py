"""Needs use cases: an enterprise posts a need and decides on offers; a provider with a fitting
product picks it up and makes an offer; the sweep lapses and expires what ran out of time.

Each use case is one unit of work. A status changes only through `model.transition` and a
conditional UPDATE naming the status it expects, so two people acting on one need at once
cannot both succeed; every step appends a history event and an audit entry in the same
transaction, and tells the other side through `notifications.service.notify`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kejin.audit import service as audit
from kejin.consent import service as consent
from kejin.consent.model import DataScope, GrantPurpose
from kejin.core.errors import FieldProblem, InvalidInput
from kejin.core.i18n import N_
from kejin.core.uow import UnitOfWork
from kejin.identity.model import Principal, Role
from kejin.needs import fit, repository
from kejin.needs.errors import (
    AlreadyPickedUp,
    NeedChanged,
    NeedNotFound,
    NotEligibleProvider,
    NotYourNeed,
)
from kejin.needs.model import (
    NeedAction,
    NeedSpec,
    NeedStatus,
    OfferStatus,
    OfferTerms,
    PickupStatus,
    SlaPhase,
    offer_cost,
    shipped_sla,
    transition,
)
from kejin.needs.orm import NeedRow, NeedTargetRow, OfferRow, PickupRow
from kejin.needs.schemas import NeedCreate, OfferCreate, PickupCreate, SweepReport
from kejin.notifications import service as notifications
from kejin.notifications.model import NotificationKind, Recipient
from kejin.products.model import Instrument

UowFactory = Callable[[], UnitOfWork]
SUBJECT = "financing_need"
ADVANCE_GRANT_DAYS = 30  # how long data shared with a need stays open to the provider
PURPOSE_OF = {
    Instrument.EQUITY: GrantPurpose.INVESTMENT_DUE_DILIGENCE,
    Instrument.GUARANTEE: GrantPurpose.GUARANTEE_REVIEW,
    Instrument.INSURANCE: GrantPurpose.INSURANCE_UNDERWRITING,
    Instrument.SUBSIDY: GrantPurpose.POLICY_SUPPORT,
    Instrument.GRANT: GrantPurpose.POLICY_SUPPORT,
}


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().date()


def post_need(uow: UowFactory, principal: Principal, form: NeedCreate) -> int:
    """An enterprise admin posts a need; every provider with a fitting product is told."""
    enterprise_id = _own_enterprise(principal)
    spec = NeedSpec(
        amount=form.amount,
        purpose=form.purpose,
        term_months=form.term_months,
        instruments=frozenset(form.instruments),
        mode=form.mode,
        max_pickups=form.max_pickups,
    )
    at = now()
    with uow() as work:
        session = work.session
        found = fit.need_fit(work, enterprise_id, spec, at.date())
        fits = found.fits
        row = NeedRow(
            enterprise_id=enterprise_id,
            posted_by=principal.user_id,
            amount=spec.amount,
            purpose=spec.purpose,
            purpose_text=form.purpose_text.strip(),
            term_months=spec.term_months,
            instruments=sorted(instrument.value for instrument in spec.instruments),
            mode=spec.mode,
            max_pickups=spec.max_pickups,
            pickups=0,
            status=NeedStatus.POSTED,
            version=1,
            stage_at_posting=None if found.stage is None else found.stage.value,
            share_scopes=[scope.value for scope in dict.fromkeys(form.share_scopes)],
            posted_at=at,
            pickup_due_at=shipped_sla().due(SlaPhase.PICK_UP, at),
        )
        session.add(row)
        session.flush()
        for target in fits:
            session.add(
                NeedTargetRow(
                    need_id=row.id,
                    product_code=target.product_code,
                    product_version=target.product_version,
                    institution_id=target.institution_id,
                    match_status=target.match_status,
                    amount_high=target.amount_high,
                    notified_at=at,
                )
            )
        for institution_id in sorted({target.institution_id for target in fits}):
            notifications.notify(
                session,
                Recipient(institution_id=institution_id),
                NotificationKind.NEED_MATCHED,
                N_("A financing need of CNY {amount} fits your products"),
                params={"amount": f"{spec.amount:,.0f}"},
                link=f"/needs/{row.id}",
            )
        _event(
            session,
            row,
            principal,
            "posted",
            before=None,
            after=NeedStatus.POSTED,
            targets=len(fits),
        )
        work.commit()
        return row.id


def pick_up(uow: UowFactory, principal: Principal, need_id: int, form: PickupCreate) -> int:
    """A provider picks a need up for one of its products. Allowed only when the need targets
    the institution and the product still fits the firm now (its current version); an
    exclusive need goes to exactly one provider, whoever clicks at the same moment."""
    institution_id = _institution(principal)
    at = now()
    with uow() as work:
        session = work.session
        need = _need(session, need_id)
        spec = _spec(need)
        target = next(
            (t for t in repository.targets(session, need_id, institution_id)
             if t.product_code == form.product_code),
            None,
        )  # fmt: skip
        found = fit.product_fit(work, need.enterprise_id, spec, form.product_code, at.date())
        if target is None or found is None or found.institution_id != institution_id:
            raise NotEligibleProvider(
                "Your institution has no product that fits this need", field="product_code"
            )
        if repository.live_pickup(session, need_id, institution_id) is not None:
            raise AlreadyPickedUp("Your institution has already picked this need up")
        before = repository.claim(session, need_id)
        if before is None:
            raise AlreadyPickedUp("This need has already been picked up")
        pickup = PickupRow(
            need_id=need_id,
            institution_id=institution_id,
            user_id=principal.user_id,
            product_code=form.product_code,
            exclusive=spec.max_pickups == 1,
            status=PickupStatus.ACTIVE,
            picked_at=at,
            offer_due_at=shipped_sla().due(SlaPhase.OFFER, at),
        )
        session.add(pickup)
        try:
            session.flush()
        except IntegrityError:  # a colleague at the same institution clicked at the same time
            raise AlreadyPickedUp("Your institution has already picked this need up") from None
        after = transition(before, NeedAction.PICK_UP)
        _share_data(session, principal, need, institution_id, spec)
        notifications.notify(
            session,
            Recipient(enterprise_id=need.enterprise_id),
            NotificationKind.NEED_PICKED_UP,
            N_("Your financing need {need} was picked up"),
            params={"need": need_id},
            link=f"/needs/{need_id}",
        )
        _event(
            session, need, principal, "picked_up", before=before, after=after, pickup_id=pickup.id
        )
        work.commit()
        return pickup.id


def release_pickup(uow: UowFactory, principal: Principal, pickup_id: int) -> None:
    """The provider lets a pick-up go; the place returns to the need."""
    institution_id = _institution(principal)
    with uow() as work:
        session = work.session
        pickup = _own_pickup(session, pickup_id, institution_id)
        if pickup.status is not PickupStatus.ACTIVE:
            raise NeedChanged("Only a pick-up without an offer can be released")
        _end_pickup(session, pickup, PickupStatus.RELEASED, principal, "released")
        work.commit()


def make_offer(uow: UowFactory, principal: Principal, pickup_id: int, form: OfferCreate) -> int:
    """The provider that picked the need up makes its offer; its cost to the firm is computed
    from the terms (interest on the balance, subsidy, guarantee fee, upfront fees)."""
    institution_id = _institution(principal)
    at = now()
    if form.valid_until < at.date():
        raise _invalid("valid_until", "An offer is valid until today or later")
    terms = OfferTerms(
        amount=form.amount,
        term_months=form.term_months,
        annual_rate=form.annual_rate,
        repayment=form.repayment,
        guarantee_fee_rate=form.guarantee_fee_rate,
        subsidy_share=form.subsidy_share,
        upfront_fees=form.upfront_fees,
    )
    cost = offer_cost(terms)
    with uow() as work:
        session = work.session
        pickup = _own_pickup(session, pickup_id, institution_id)
        if pickup.status is not PickupStatus.ACTIVE:
            raise NeedChanged("This pick-up can no longer make an offer")
        need = _need(session, pickup.need_id)
        before = need.status
        after = transition(before, NeedAction.OFFER)
        decide_due = need.decide_due_at or shipped_sla().due(SlaPhase.DECIDE, at)
        if not repository.set_status(session, need.id, before, after, decide_due_at=decide_due):
            raise NeedChanged("The need changed meanwhile; reload it")
        pickup.status = PickupStatus.OFFERED
        offer = OfferRow(
            need_id=need.id,
            pickup_id=pickup.id,
            institution_id=institution_id,
            product_code=pickup.product_code,
            amount=terms.amount,
            term_months=terms.term_months,
            repayment=terms.repayment,
            annual_rate=terms.annual_rate,
            guarantee_fee_rate=terms.guarantee_fee_rate,
            subsidy_share=terms.subsidy_share,
            upfront_fees=terms.upfront_fees,
            collateral=form.collateral.value,
            warrant=None if form.warrant_share is None else {"share": str(form.warrant_share)},
            conditions=form.conditions.strip(),
            interest=cost.interest,
            total_cost=cost.total,
            net_annual_rate=cost.net_annual_rate,
            status=OfferStatus.OPEN,
            valid_until=form.valid_until,
            made_by=principal.user_id,
            made_at=at,
        )
        session.add(offer)
        session.flush()
        notifications.notify(
            session,
            Recipient(enterprise_id=need.enterprise_id),
            NotificationKind.OFFER_RECEIVED,
            N_("A new offer arrived for your financing need {need}"),
            params={"need": need.id},
            link=f"/needs/{need.id}",
        )
        _event(session, need, principal, "offered", before=before, after=after, offer_id=offer.id)
        work.commit()
        return offer.id


def accept_offer(uow: UowFactory, principal: Principal, offer_id: int) -> None:
    """The enterprise accepts one offer: it wins, every other offer and pick-up loses."""
    enterprise_id = _own_enterprise(principal)
    at = now()
    with uow() as work:
        session = work.session
        offer, need = _own_offer(session, offer_id, enterprise_id)
        if offer.valid_until < at.date():
            raise NeedChanged("This offer has expired")
        after = transition(need.status, NeedAction.ACCEPT)
        if not repository.set_status(
            session, need.id, NeedStatus.OFFERED, after, accepted_offer_id=offer.id, pickups=0
        ):
            raise NeedChanged("The need changed meanwhile; reload it")
        for other in repository.offers(session, need.id):
            if other.status is OfferStatus.OPEN:
                accepted = other.id == offer.id
                other.status = OfferStatus.ACCEPTED if accepted else OfferStatus.DECLINED
                other.decided_at = at
        for pickup in repository.pickups(session, need.id):
            if pickup.status in repository.LIVE_PICKUPS:
                won = pickup.id == offer.pickup_id
                pickup.status = PickupStatus.WON if won else PickupStatus.LOST
                pickup.ended_at = at
                _tell_decided(session, pickup.institution_id, need.id)
        _event(
            session,
            need,
            principal,
            "accepted",
            before=NeedStatus.OFFERED,
            after=after,
            offer_id=offer.id,
        )
        work.commit()


def decline_offer(uow: UowFactory, principal: Principal, offer_id: int) -> None:
    """The enterprise declines one offer; when no offer or pick-up is left, the need is open to
    providers again."""
    enterprise_id = _own_enterprise(principal)
    with uow() as work:
        session = work.session
        offer, need = _own_offer(session, offer_id, enterprise_id)
        offer.status = OfferStatus.DECLINED
        offer.decided_at = now()
        pickup = repository.pickup(session, offer.pickup_id)
        assert pickup is not None  # an offer's pick-up is never deleted alone
        _end_pickup(session, pickup, PickupStatus.LOST, principal, "declined", offer_id=offer.id)
        _tell_decided(session, offer.institution_id, need.id)
        work.commit()


def withdraw(uow: UowFactory, principal: Principal, need_id: int) -> None:
    """The enterprise withdraws a live need; open offers and pick-ups end with it."""
    enterprise_id = _own_enterprise(principal)
    with uow() as work:
        session = work.session
        need = _need(session, need_id)
        if need.enterprise_id != enterprise_id:
            raise NotYourNeed("This need is not your enterprise's", field="id")
        _finish(session, need, NeedAction.WITHDRAW, principal, "withdrawn")
        work.commit()


def close(uow: UowFactory, principal: Principal, need_id: int) -> None:
    """The enterprise closes a need whose offer it accepted (or whose offers it declined)."""
    enterprise_id = _own_enterprise(principal)
    with uow() as work:
        need = _need(work.session, need_id)
        if need.enterprise_id != enterprise_id:
            raise NotYourNeed("This need is not your enterprise's", field="id")
        _finish(work.session, need, NeedAction.CLOSE, principal, "closed")
        work.commit()


def sweep(uow: UowFactory, at: datetime | None = None) -> SweepReport:
    """Lapse pick-ups without an offer past their deadline, expire offers past their date and
    needs nobody picked up in time. Safe to repeat; one transaction."""
    at = at or now()
    actor = "system:needs-sweep"
    lapsed = expired_offers = expired_needs = 0
    with uow() as work:
        session = work.session
        for pickup in repository.lapsing(session, at):
            _end_pickup(session, pickup, PickupStatus.LAPSED, actor, "lapsed")
            notifications.notify(
                session,
                Recipient(institution_id=pickup.institution_id),
                NotificationKind.SLA_BREACHED,
                N_("Your pick-up of need {need} lapsed: no offer within the deadline"),
                params={"need": pickup.need_id},
                link=f"/needs/{pickup.need_id}",
            )
            lapsed += 1
        for offer in repository.stale_offers(session, at.date()):
            offer.status = OfferStatus.EXPIRED
            held = repository.pickup(session, offer.pickup_id)
            assert held is not None  # an offer's pick-up is never deleted alone
            _end_pickup(session, held, PickupStatus.LAPSED, actor, "offer_expired")
            expired_offers += 1
        for need in repository.expiring(session, at - shipped_sla().expire_after):
            _finish(session, need, NeedAction.EXPIRE, actor, "expired")
            notifications.notify(
                session,
                Recipient(enterprise_id=need.enterprise_id),
                NotificationKind.SLA_BREACHED,
                N_("Your financing need {need} expired: no provider picked it up"),
                params={"need": need.id},
                link=f"/needs/{need.id}",
            )
            expired_needs += 1
        work.commit()
    return SweepReport(
        lapsed_pickups=lapsed, expired_needs=expired_needs, expired_offers=expired_offers
    )


# ---- helpers (never commit) -----------------------------------------------------------------


def _own_enterprise(principal: Principal) -> int:
    if principal.role is not Role.ENTERPRISE_ADMIN or principal.enterprise_id is None:
        raise NotYourNeed("Only an enterprise admin may do this")
    return principal.enterprise_id


def _institution(principal: Principal) -> int:
    if principal.institution_id is None or principal.is_enterprise_user:
        raise NotEligibleProvider("Only a provider's staff may do this")
    return principal.institution_id


def _invalid(field: str, reason: str) -> InvalidInput:
    return InvalidInput("Invalid input", [FieldProblem(field, reason)], field=field)


def _need(session: Session, need_id: int) -> NeedRow:
    need = repository.need(session, need_id)
    if need is None:
        raise NeedNotFound("No financing need {id}", field="id", id=need_id)
    return need


def _spec(need: NeedRow) -> NeedSpec:
    return NeedSpec(
        amount=need.amount,
        purpose=need.purpose,
        term_months=need.term_months,
        instruments=frozenset(Instrument(value) for value in need.instruments),
        mode=need.mode,
        max_pickups=need.max_pickups,
    )


def _own_pickup(session: Session, pickup_id: int, institution_id: int) -> PickupRow:
    pickup = repository.pickup(session, pickup_id)
    if pickup is None or pickup.institution_id != institution_id:
        raise NeedNotFound("No pick-up {id} of your institution", field="id", id=pickup_id)
    return pickup


def _own_offer(session: Session, offer_id: int, enterprise_id: int) -> tuple[OfferRow, NeedRow]:
    offer = repository.offer(session, offer_id)
    need = None if offer is None else repository.need(session, offer.need_id)
    if offer is None or need is None or need.enterprise_id != enterprise_id:
        raise NeedNotFound("No offer {id} for your enterprise", field="id", id=offer_id)
    if offer.status is not OfferStatus.OPEN:
        raise NeedChanged("This offer was already decided")
    return offer, need


def _end_pickup(
    session: Session,
    pickup: PickupRow,
    status: PickupStatus,
    actor: Principal | str,
    event: str,
    *,
    offer_id: int | None = None,
) -> None:
    """End a live pick-up, give its place back, and reopen the need when nothing is left."""
    pickup.status = status
    pickup.ended_at = now()
    session.flush()
    need = _need(session, pickup.need_id)
    before = need.status
    repository.release(session, need.id)
    reopened = repository.reopen(session, need.id, shipped_sla().due(SlaPhase.PICK_UP, now()))
    after = transition(before, NeedAction.RELEASE) if reopened else None
    _event(
        session,
        need,
        actor,
        event,
        before=before,
        after=after,
        pickup_id=pickup.id,
        offer_id=offer_id,
    )


def _finish(
    session: Session, need: NeedRow, action: NeedAction, actor: Principal | str, event: str
) -> None:
    before = need.status
    after = transition(before, action)
    if not repository.set_status(session, need.id, before, after, closed_at=now(), pickups=0):
        raise NeedChanged("The need changed meanwhile; reload it")
    for offer in repository.offers(session, need.id):
        if offer.status is OfferStatus.OPEN:
            offer.status = OfferStatus.WITHDRAWN
    for pickup in repository.pickups(session, need.id):
        if pickup.status in repository.LIVE_PICKUPS:
            pickup.status = PickupStatus.LOST
            pickup.ended_at = now()
    _event(session, need, actor, event, before=before, after=after)


def _share_data(
    session: Session, principal: Principal, need: NeedRow, institution_id: int, spec: NeedSpec
) -> None:
    if not need.share_scopes:
        return
    instrument = min(spec.instruments, key=list(Instrument).index)
    consent.grant_within(
        session,
        principal,
        enterprise_id=need.enterprise_id,
        institution_id=institution_id,
        scopes=[DataScope(scope) for scope in need.share_scopes],
        purpose=PURPOSE_OF.get(instrument, GrantPurpose.CREDIT_ASSESSMENT),
        granted_by=need.posted_by,
        expires_on=today() + timedelta(days=ADVANCE_GRANT_DAYS),
    )


def _tell_decided(session: Session, institution_id: int, need_id: int) -> None:
    notifications.notify(
        session,
        Recipient(institution_id=institution_id),
        NotificationKind.OFFER_DECIDED,
        N_("The enterprise decided on your offer for need {need}"),
        params={"need": need_id},
        link=f"/needs/{need_id}",
    )


def _event(
    session: Session,
    need: NeedRow,
    actor: Principal | str,
    event: str,
    *,
    before: NeedStatus | None,
    after: NeedStatus | None,
    pickup_id: int | None = None,
    offer_id: int | None = None,
    **detail: object,
) -> None:
    name = actor.login if isinstance(actor, Principal) else actor
    at = now()
    repository.add_event(
        session,
        need.id,
        at=at,
        actor=name,
        event=event,
        from_status=before,
        to_status=after,
        pickup_id=pickup_id,
        offer_id=offer_id,
        detail=dict(detail),
    )
    audit.record(
        session,
        actor=actor,
        action=f"need.{event}",
        subject_type=SUBJECT,
        subject_id=str(need.id),
        detail={"from": before, "to": after, "pickup_id": pickup_id, "offer_id": offer_id},
    )


def need_of_offer(uow: UowFactory, offer_id: int) -> int:
    """The need an offer answers."""
    with uow() as work:
        offer = repository.offer(work.session, offer_id)
        if offer is None:
            raise NeedNotFound("No offer {id} for your enterprise", field="id", id=offer_id)
        return offer.need_id
