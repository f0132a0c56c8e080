"""The pages in real headless Chromium: home with charts, list filters and pagination, detail,
the language toggle, and Chinese rendered as real glyphs (not tofu boxes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import BROWSER_ENTERPRISES, LiveServer

pytestmark = pytest.mark.browser
Page = Any  # playwright.sync_api.Page, imported lazily with the browser


@pytest.fixture
def page(chromium: Any, live_server: LiveServer) -> Iterator[Page]:
    context = chromium.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}, base_url=live_server.url
    )
    browser_page = context.new_page()
    yield browser_page
    context.close()


def _charts_drawn(page: Page, count: int) -> None:
    page.wait_for_function(
        f"document.querySelectorAll('[data-rendered=true] .main-svg').length >= {count}",
        timeout=20_000,
    )


def test_home_draws_four_charts_in_chinese(page: Page, tmp_path: Path) -> None:
    page.goto("/")
    _charts_drawn(page, 4)
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("h1").inner_text() == "区域概览"
    assert page.locator("[data-kpi=enterprises]").inner_text() == str(BROWSER_ENTERPRISES)
    assert "脑科学与脑机接口" in page.locator("#chart-cluster").inner_text()
    page.screenshot(path=tmp_path / "home-zh.png", full_page=True)


def test_chinese_renders_as_glyphs_not_boxes(page: Page, tmp_path: Path) -> None:
    page.goto("/")
    page.evaluate(
        """() => ['科', '金', '脑'].forEach((text, i) => {
            const probe = document.createElement('span');
            probe.id = 'glyph-' + i;
            probe.textContent = text;
            probe.style.cssText = 'font-size:64px;display:inline-block;line-height:1;padding:4px';
            document.querySelector('main').prepend(probe);
        })"""
    )
    images = [page.locator(f"#glyph-{i}").screenshot() for i in range(3)]
    (tmp_path / "glyph-ke.png").write_bytes(images[0])
    assert len(set(images)) == 3, "different characters drew identical images: missing CJK font"


def test_language_toggle_switches_to_english_and_sticks(page: Page, tmp_path: Path) -> None:
    page.goto("/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/?lang=en")
    _charts_drawn(page, 4)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "The region at a glance"
    page.screenshot(path=tmp_path / "home-en.png", full_page=True)
    page.get_by_role("link", name="Enterprises").first.click()
    assert page.locator("h1").inner_text() == "Enterprises"
    page.get_by_role("link", name="中文").click()
    assert page.locator("h1").inner_text() == "企业名录"


def test_list_filters_and_paginates(page: Page) -> None:
    page.goto("/enterprises")
    # anonymous visitors get public columns only: no stage filter, no revenue sort or column
    assert page.locator("#stage").count() == 0
    assert page.locator("#sort option[value='-revenue']").count() == 0
    assert page.locator("th", has_text="销售收入").count() == 0
    page.select_option("#size", "10")
    page.select_option("#certification", "high_tech")
    page.get_by_role("button", name="查询").click()
    assert page.locator("[data-total]").get_attribute("data-total") == str(BROWSER_ENTERPRISES // 2)
    assert page.locator("tbody tr").count() == 10
    first_page = page.locator("tbody tr td a").first.inner_text()
    page.get_by_role("link", name="下一页").click()
    assert page.locator(".pagination [aria-current=page]").inner_text() == "2"
    assert page.locator("tbody tr td a").first.inner_text() != first_page
    assert "certification=high_tech" in page.url


def test_search_by_code_then_open_the_detail(page: Page, live_server: LiveServer) -> None:
    code = live_server.codes[3]
    page.goto("/enterprises")
    page.fill("#q", code)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**q={code}**")
    link = page.locator("tbody tr td a")
    assert link.count() == 1
    name = link.inner_text()
    link.click()
    page.wait_for_url(f"**/enterprises/{code}")
    assert page.locator("h1").inner_text() == name
    assert page.locator(".provenance").count() > 1
    financials = page.locator("section", has_text="年度财务数据")
    assert financials.locator(".withheld").is_visible()  # a visitor sees no consented data


def test_empty_result_explains_what_to_try(page: Page) -> None:
    page.goto("/enterprises?q=没有这家企业")
    assert page.get_by_text("没有符合条件的企业").is_visible()
