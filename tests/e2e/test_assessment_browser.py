"""The assessment pages in real headless Chromium: an analyst opens a firm's assessment from its
registry page, reads it in Chinese and English and sees its print layout; then the region view
draws its chart and a count opens its drill-down, whose firm opens its assessment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kejin.assessment import reads
from kejin.assessment.schemas import StandardRef
from tests.e2e.assessment_world import SHARED_CLUSTER, AssessedWorld, build_world
from tests.e2e.conftest import serving, sqlite_platform
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
Page = Any  # playwright.sync_api.Page, imported lazily with the browser


@pytest.fixture(scope="module")
def assessed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, AssessedWorld]]:
    platform = sqlite_platform(Path(tmp_path_factory.mktemp("assessed-browser")))
    world = build_world(platform)
    with serving(platform) as url:
        yield url, world
    platform.dispose()


@pytest.fixture
def page(chromium: Any, assessed: tuple[str, AssessedWorld]) -> Iterator[Page]:
    context = chromium.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}, base_url=assessed[0]
    )
    browser_page = context.new_page()
    browser_page.goto("/login")
    browser_page.fill("#login", "chen")
    browser_page.fill("#password", PASSWORD)
    browser_page.click("main button[type=submit]")
    browser_page.wait_for_url(assessed[0] + "/")
    yield browser_page
    context.close()


def _standards(world: AssessedWorld) -> list[StandardRef]:
    return reads.standard_refs(world.run.rule_versions)


def _drawn(page: Page, chart: str) -> None:
    page.wait_for_function(
        f"document.querySelector('#chart-{chart}[data-rendered=true] .main-svg') !== null",
        timeout=20_000,
    )


def test_an_analyst_reads_an_assessment_in_both_languages_and_prints_it(
    page: Page, assessed: tuple[str, AssessedWorld], tmp_path: Path
) -> None:
    _, world = assessed
    code = world.shared_codes[0]
    page.goto(f"/enterprises/{code}")
    page.click("#assessment-link")
    page.wait_for_url(f"**/enterprises/{code}/assessment?purpose=policy_support")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    verdicts = page.locator("#verdicts")
    assert verdicts.locator(".verdict").count() == len(world.run.rule_versions)
    for ref in _standards(world):
        assert ref.name_zh in verdicts.inner_text()
    if page.locator("#chart-cohort").count():
        _drawn(page, "cohort")
    page.screenshot(path=tmp_path / "assessment-zh.png", full_page=True)

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Technology assessment"
    for ref in _standards(world):
        assert ref.name_en in page.locator("#verdicts").inner_text()

    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible()
    assert not page.get_by_role("button", name="Print report").is_visible()
    assert page.locator(".print-only").is_visible()
    page.screenshot(path=tmp_path / "assessment-print.png", full_page=True)


def test_a_count_of_the_region_view_opens_its_drill_down(
    page: Page, assessed: tuple[str, AssessedWorld], tmp_path: Path
) -> None:
    _, world = assessed
    first = _standards(world)[0]
    page.goto("/assessment")
    _drawn(page, "stages")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("#by-stage h2").inner_text() == first.name_zh
    page.screenshot(path=tmp_path / "region-zh.png", full_page=True)
    row = page.locator(f"#by-stage-cluster tr.cluster-row[data-cluster={SHARED_CLUSTER.value}]")
    row.first.locator("a").first.click()
    page.wait_for_url(f"**/assessment/enterprises?standard={first.code}**")
    assert f"cluster={SHARED_CLUSTER.value}" in page.url
    listed = page.locator("#cell-enterprises tbody tr[data-uscc]")
    assert listed.count() > 0
    note = page.locator("#shared-note")
    assert note.get_attribute("data-shared") == note.get_attribute("data-total")

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**lang=en")
    assert page.locator("h1").inner_text() == first.name_en
    uscc = listed.first.get_attribute("data-uscc")
    listed.first.locator("a").click()
    page.wait_for_url(f"**/enterprises/{uscc}/assessment?purpose=policy_support")
    assert page.locator("#verdicts .verdict").count() == len(world.run.rule_versions)
