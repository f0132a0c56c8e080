"""Financing needs end to end on the database (SQLite, or PostgreSQL when configured): who is
told, who may pick up, offers and their cost, accept and decline, the sweep, and what each side
may see. Every refusal leaves the need as it was."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError

from kejin.bootstrap import Platform
from kejin.consent.model import DataScope
from kejin.consent.orm import ConsentGrantRow
from kejin.core.errors import InvalidInput
from kejin.core.pagination import PageRequest
from kejin.identity.model import Role
from kejin.needs import queries, service
from kejin.needs.errors import AlreadyPickedUp, NeedChanged, NeedNotFound, NotEligibleProvider
from kejin.needs.model import NeedMode, NeedStatus, OfferStatus, PickupStatus, Repayment
from kejin.needs.orm import NeedEventRow, NeedRow
from kejin.needs.schemas import NeedDetail, OfferCreate, PickupCreate
from kejin.notifications import service as notifications
from kejin.products import service as products
from tests.factories import create_user, principal
from tests.needs_world import WAN, World, build_world, post


@pytest.fixture
def world(platform: Platform, tmp_path: Path) -> World:
    return build_world(platform, tmp_path, banks=3, max_amount=10_000_000)


def detail(world: World, need_id: int) -> NeedDetail:
    return queries.need_detail(world.platform.uow, world.firm, need_id)


def offer_form(**changes: object) -> OfferCreate:
    fields: dict[str, object] = {
        "amount": 500 * WAN,
        "term_months": 36,
        "annual_rate": Decimal("0.038"),
        "guarantee_fee_rate": Decimal("0.01"),
        "subsidy_share": Decimal("0.5"),
        "valid_until": dt.datetime.now(dt.UTC).date() + dt.timedelta(days=14),
    }
    fields.update(changes)
    return OfferCreate(**fields)  # type: ignore[arg-type]


def pick(world: World, bank: int, need_id: int) -> int:
    form = PickupCreate(product_code=world.loan(bank))
    return service.pick_up(world.platform.uow, world.officers[bank], need_id, form)


def test_posting_tells_every_bank_whose_loan_fits_and_records_the_step(world: World) -> None:
    need_id = post(world)
    found = detail(world, need_id)
    assert found.need.status is NeedStatus.POSTED
    assert [t.product_code for t in found.targets] == [world.loan(i) for i in range(3)]
    assert [e.event for e in found.events] == ["posted"]
    page = PageRequest()
    inbox = notifications.inbox(world.platform.uow, world.officers[1], page, "en")
    assert inbox.unread == 1
    assert "fits your products" in inbox.items[0].text
    chinese = notifications.inbox(world.platform.uow, world.officers[1], page, "zh_CN")
    assert "融资需求" in chinese.items[0].text


def test_a_need_beyond_a_products_amount_range_is_not_sent_to_its_bank(
    platform: Platform, tmp_path: Path
) -> None:
    world = build_world(platform, tmp_path, banks=2, max_amount=3_000_000)
    need_id = post(world)  # 500万 > 300万
    assert detail(world, need_id).targets == []


def test_the_first_bank_picks_an_exclusive_need_up_and_the_second_is_refused(world: World) -> None:
    need_id = post(world)
    pick(world, 0, need_id)
    with pytest.raises(AlreadyPickedUp):
        pick(world, 1, need_id)
    found = detail(world, need_id)
    assert (found.need.status, found.need.pickups, found.need.version) == (
        NeedStatus.PICKED_UP, 1, 2,
    )  # fmt: skip
    assert [p.institution_id for p in found.pickups] == [world.officers[0].institution_id]
    assert [e.event for e in found.events] == ["posted", "picked_up"]


def test_a_provider_without_a_fitting_product_cannot_pick_up_and_nothing_changes(
    world: World,
) -> None:
    need_id = post(world)
    outsider = principal(world.platform, create_user(world.platform, Role.BANK_OFFICER.value))
    with pytest.raises(NotEligibleProvider):
        service.pick_up(
            world.platform.uow, outsider, need_id, PickupCreate(product_code=world.loan(0))
        )
    with pytest.raises(NotEligibleProvider):  # its own institution, another bank's product
        service.pick_up(world.platform.uow, world.officers[0], need_id,
                        PickupCreate(product_code=world.loan(1)))  # fmt: skip
    found = detail(world, need_id)
    assert (found.need.status, found.need.pickups, found.need.version) == (NeedStatus.POSTED, 0, 1)
    assert found.pickups == []


def test_a_product_edited_to_exclude_the_firm_stops_its_pick_up_at_once(world: World) -> None:
    need_id = post(world)
    officer = world.officers[2]
    current = products.editable_product(world.platform.uow, officer, world.loan(2))
    entry = current.entry
    entry["amount"] = {"min": 100_000, "max": 2_000_000}  # the need's 500万 no longer fits
    products.save_product(
        world.platform.uow, officer, world.loan(2), products.form_of(entry), current.product.version
    )
    with pytest.raises(NotEligibleProvider):
        pick(world, 2, need_id)
    assert detail(world, need_id).need.pickups == 0


def test_an_offer_is_priced_for_the_firm_and_accepting_it_declines_the_others(
    world: World,
) -> None:
    need_id = post(world, mode=NeedMode.OPEN, max_pickups=3)
    first, second = pick(world, 0, need_id), pick(world, 1, need_id)
    uow = world.platform.uow
    winner = service.make_offer(uow, world.officers[0], first, offer_form())
    dearer = offer_form(annual_rate=Decimal("0.045"), subsidy_share=Decimal(0))
    service.make_offer(uow, world.officers[1], second, dearer)
    found = detail(world, need_id)
    assert found.need.status is NeedStatus.OFFERED
    costs = {o.id: (o.total_cost, o.net_annual_rate) for o in found.offers}
    assert costs[winner] == (Decimal("435000.00"), Decimal("0.0290"))  # 570k − 285k + 150k
    service.accept_offer(uow, world.firm, winner)
    found = detail(world, need_id)
    assert found.need.status is NeedStatus.ACCEPTED
    assert found.need.accepted_offer_id == winner
    assert {o.id: o.status for o in found.offers}[winner] is OfferStatus.ACCEPTED
    assert sorted(p.status for p in found.pickups) == [PickupStatus.LOST, PickupStatus.WON]
    with pytest.raises(NeedChanged):
        service.accept_offer(uow, world.firm, winner)
    service.close(uow, world.firm, need_id)
    assert detail(world, need_id).need.status is NeedStatus.CLOSED


def test_declining_the_only_offer_opens_the_need_to_providers_again(world: World) -> None:
    need_id = post(world)
    offer_id = service.make_offer(world.platform.uow, world.officers[0], pick(world, 0, need_id),
                                  offer_form(repayment=Repayment.EQUAL_PRINCIPAL))  # fmt: skip
    service.decline_offer(world.platform.uow, world.firm, offer_id)
    found = detail(world, need_id)
    assert (found.need.status, found.need.pickups) == (NeedStatus.POSTED, 0)
    pick(world, 1, need_id)  # another bank may now pick it up
    assert detail(world, need_id).need.status is NeedStatus.PICKED_UP


def test_the_sweep_lapses_a_pick_up_without_an_offer_and_expires_a_forgotten_need(
    world: World,
) -> None:
    lapsing, forgotten = post(world), post(world, amount=200 * WAN)
    pick(world, 0, lapsing)
    report = service.sweep(world.platform.uow, dt.datetime.now(dt.UTC) + dt.timedelta(days=6))
    assert (report.lapsed_pickups, report.expired_needs) == (1, 0)
    assert detail(world, lapsing).need.status is NeedStatus.POSTED
    report = service.sweep(world.platform.uow, dt.datetime.now(dt.UTC) + dt.timedelta(days=31))
    assert report.expired_needs == 2
    assert detail(world, forgotten).need.status is NeedStatus.EXPIRED
    told = notifications.inbox(world.platform.uow, world.officers[0], PageRequest(), "en")
    assert "lapsed" in told.items[0].text
    firm = notifications.inbox(world.platform.uow, world.firm, PageRequest(), "en")
    assert "expired" in firm.items[0].text
    again = service.sweep(world.platform.uow, dt.datetime.now(dt.UTC) + dt.timedelta(days=31))
    assert again.model_dump() == {"lapsed_pickups": 0, "expired_needs": 0, "expired_offers": 0}


def test_withdrawing_ends_the_open_offers_and_a_final_need_refuses_further_steps(
    world: World,
) -> None:
    need_id = post(world)
    offer_id = service.make_offer(world.platform.uow, world.officers[0], pick(world, 0, need_id),
                                  offer_form())  # fmt: skip
    service.withdraw(world.platform.uow, world.firm, need_id)
    found = detail(world, need_id)
    assert found.need.status is NeedStatus.WITHDRAWN
    assert [o.status for o in found.offers] == [OfferStatus.WITHDRAWN]
    with pytest.raises(NeedChanged):
        service.accept_offer(world.platform.uow, world.firm, offer_id)
    with pytest.raises(InvalidInput) as refused:
        service.withdraw(world.platform.uow, world.firm, need_id)
    assert refused.value.problems[0].field == "status"


def test_the_data_the_firm_chose_to_share_opens_to_the_bank_that_picks_up(world: World) -> None:
    need_id = post(world, share_scopes=[DataScope.FINANCIALS])
    pick(world, 0, need_id)
    with world.platform.uow() as work:
        query = select(
            ConsentGrantRow.institution_id, ConsentGrantRow.scopes, ConsentGrantRow.purpose
        )
        grants = [tuple(row) for row in work.session.execute(query)]
    assert grants == [(world.officers[0].institution_id, ["financials"], "credit_assessment")]


def test_each_side_sees_only_what_is_theirs(world: World) -> None:
    need_id = post(world, mode=NeedMode.OPEN, max_pickups=2)
    pick(world, 0, need_id)
    pick(world, 1, need_id)
    seen = queries.need_detail(world.platform.uow, world.officers[0], need_id)
    assert [p.institution_id for p in seen.pickups] == [world.officers[0].institution_id]
    assert [t.product_code for t in seen.targets] == [world.loan(0)]
    stranger = principal(world.platform, create_user(world.platform, Role.BANK_OFFICER.value))
    with pytest.raises(NeedNotFound):
        queries.need_detail(world.platform.uow, stranger, need_id)
    bench = queries.workbench(world.platform.uow, world.officers[2])
    assert bench.open_needs == []  # both places are taken


def test_posting_refuses_a_bad_need_naming_the_field_and_stores_nothing(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        post(world, instruments=[])
    assert refused.value.problems[0].field == "instruments"
    with world.platform.uow() as work:
        assert work.session.scalar(select(func.count()).select_from(NeedRow)) == 0


def test_a_needs_history_cannot_be_rewritten_on_postgresql(world: World) -> None:
    if world.platform.engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    post(world)
    with (
        pytest.raises(DBAPIError, match="append-only"),
        world.platform.engine.begin() as conn,
    ):
        conn.execute(update(NeedEventRow).values(actor="someone else"))
