"""Financing needs in real headless Chromium: the firm's admin posts a need on the form, a bank
officer picks it up and makes an offer from the need's page, and the firm sees the offer in the
side-by-side table and accepts it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import serving, sqlite_platform
from tests.e2e.sessions import browser_signed_in
from tests.needs_world import World, build_world

pytestmark = pytest.mark.browser
Page = Any  # playwright.sync_api.Page, imported lazily with the browser


@pytest.fixture(scope="module")
def needs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, World]]:
    platform = sqlite_platform(tmp_path_factory.mktemp("needs-data"))
    world = build_world(platform, tmp_path_factory.mktemp("needs-catalogue"), banks=2)
    with serving(platform) as url:
        yield url, world
    platform.dispose()


def test_a_need_posted_on_the_form_is_picked_up_offered_and_accepted(
    chromium: Any, needs_server: tuple[str, World], tmp_path: Path
) -> None:
    url, _ = needs_server
    firm = browser_signed_in(chromium, url, "lin")
    firm.goto("/needs")
    firm.fill("#amount_wan", "500")
    firm.fill("#term_months", "36")
    firm.select_option("#purpose", "clinical_trials")
    firm.click("#need-form button[type=submit]")
    firm.wait_for_url("**/needs/*")
    need_path = firm.url.removeprefix(url)
    assert firm.locator("#need-status").get_attribute("data-status") == "posted"
    assert firm.locator("#targets tbody tr").count() == 2

    bank = browser_signed_in(chromium, url, "officer1")
    bank.goto("/workbench")
    bank.click(f"#open-needs a[href='{need_path}']")
    bank.click("#pickup button[type=submit]")
    bank.wait_for_selector("#offer-form")
    bank.fill("#annual_rate_pct", "3.8")
    bank.fill("#guarantee_fee_pct", "1")
    bank.fill("#subsidy_pct", "50")
    bank.click("#offer-form button[type=submit]")
    bank.wait_for_selector("#offers [data-net]")

    firm.reload()
    assert firm.locator("#offers [data-net]").get_attribute("data-net") == "435000.00"
    firm.screenshot(path=tmp_path / "offers.png", full_page=True)
    firm.click("#offers form[action$='/accept'] button")
    firm.wait_for_selector("#need-status[data-status='accepted']")
