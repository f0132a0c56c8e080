"""Exclusive pick-ups under concurrent clicks (SQLite file, or PostgreSQL when configured): eight
eligible banks click at the same instant, round after round; exactly one wins, the seven others
are told it is taken, the counter and version moved once, one event was written — and a
withdrawal racing the clicks is never lost."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from kejin.bootstrap import Platform
from kejin.core.errors import KejinError
from kejin.needs import queries, service
from kejin.needs.model import NeedStatus, PickupStatus
from kejin.needs.schemas import PickupCreate
from tests.needs_world import World, build_world, post

BANKS = 8
ROUNDS = 20


@pytest.fixture
def world(platform: Platform, tmp_path: Path) -> World:
    return build_world(platform, tmp_path, banks=BANKS)


def _race(calls: list[Callable[[], object]]) -> list[str]:
    """Run every call at once (behind a barrier); the outcome of each: "ok" or its error code."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = [""] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            calls[index]()
            outcomes[index] = "ok"
        except KejinError as error:
            outcomes[index] = error.code

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _pick(world: World, bank: int, need_id: int) -> Callable[[], object]:
    form = PickupCreate(product_code=world.loan(bank))
    return lambda: service.pick_up(world.platform.uow, world.officers[bank], need_id, form)


def test_eight_banks_clicking_at_once_leave_exactly_one_winner(world: World) -> None:
    for _ in range(ROUNDS):
        need_id = post(world)
        outcomes = _race([_pick(world, bank, need_id) for bank in range(BANKS)])
        assert Counter(outcomes) == {"ok": 1, "already-picked-up": BANKS - 1}
        found = queries.need_detail(world.platform.uow, world.firm, need_id)
        assert (found.need.status, found.need.pickups, found.need.version) == (
            NeedStatus.PICKED_UP, 1, 2,
        )  # fmt: skip
        assert [p.status for p in found.pickups] == [PickupStatus.ACTIVE]
        winner = found.pickups[0].institution_id
        assert winner == world.officers[outcomes.index("ok")].institution_id
        assert [e.event for e in found.events] == ["posted", "picked_up"]


def test_a_withdrawal_racing_the_clicks_is_applied_or_refused_never_lost(world: World) -> None:
    for _ in range(ROUNDS // 2):
        need_id = post(world)
        withdraw = lambda: service.withdraw(world.platform.uow, world.firm, need_id)  # noqa: E731, B023
        clicks = [_pick(world, bank, need_id) for bank in range(3)]
        outcomes = _race([withdraw, *clicks])
        found = queries.need_detail(world.platform.uow, world.firm, need_id)
        live = [p for p in found.pickups if p.status is PickupStatus.ACTIVE]
        if outcomes[0] == "ok":
            assert found.need.status is NeedStatus.WITHDRAWN
            assert live == []
        else:
            assert outcomes[0] == "need-changed"
            assert found.need.status is NeedStatus.PICKED_UP
            assert len(live) == 1
        assert outcomes[1:].count("ok") == len(found.pickups)
        assert found.need.pickups == len(live)
