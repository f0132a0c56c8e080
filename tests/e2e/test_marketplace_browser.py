"""The marketplace in real headless Chromium: filter to bank products for a start-up, tick two
and compare them side by side."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.catalogue import POINTS_LOAN, seed_catalogue
from tests.e2e.conftest import serving, sqlite_platform

pytestmark = pytest.mark.browser
Page = Any  # playwright.sync_api.Page, imported lazily with the browser


@pytest.fixture(scope="module")
def catalogue_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    platform = sqlite_platform(tmp_path_factory.mktemp("marketplace-data"))
    seed_catalogue(platform)
    with serving(platform) as url:
        yield url
    platform.dispose()


@pytest.fixture
def page(chromium: Any, catalogue_server: str) -> Iterator[Page]:
    context = chromium.new_context(
        locale="en-US", viewport={"width": 1280, "height": 900}, base_url=catalogue_server
    )
    browser_page = context.new_page()
    yield browser_page
    context.close()


def test_a_start_up_filters_bank_products_and_compares_two(page: Page, tmp_path: Path) -> None:
    page.goto("/marketplace")
    page.select_option("#layer", "bank")
    page.select_option("#stage", "start_up")
    page.fill("#amount", "3000000")
    page.click("#marketplace-filters button[type=submit]")
    page.wait_for_url("**/marketplace?*layer=bank*")
    total = int(page.locator("[data-total]").get_attribute("data-total") or "0")
    assert 0 < total < 23
    assert page.locator(f"input[name=codes][value='{POINTS_LOAN}']").count() == 1
    page.check(f"input[name=codes][value='{POINTS_LOAN}']")
    page.locator("input[name=codes]").nth(0).check()
    page.click("#compare-button")
    page.wait_for_url("**/marketplace/compare?*")
    headers = page.locator("#comparison thead th a")
    assert 1 <= headers.count() <= 2
    assert "Innovation-points loan" in page.locator("#comparison").inner_text()
    page.screenshot(path=tmp_path / "compare.png", full_page=True)
