"""Signing up, in and out in real headless Chromium: the forms carry their CSRF tokens, the
session cookie is HttpOnly, and signing out returns the header to "Sign in"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kejin.registry.model import IndustryCluster
from tests.e2e.conftest import LiveServer
from tests.factories import PASSWORD, enterprise_name

pytestmark = pytest.mark.browser
Page = Any  # playwright.sync_api.Page, imported lazily with the browser


@pytest.fixture
def page(chromium: Any, live_server: LiveServer) -> Iterator[Page]:
    context = chromium.new_context(locale="en", base_url=live_server.url)
    browser_page = context.new_page()
    yield browser_page
    context.close()


def test_an_enterprise_signs_up_signs_in_and_signs_out(page: Page, live_server: LiveServer) -> None:
    page.goto("/signup?lang=en")
    page.fill("#uscc", live_server.codes[0])
    page.fill("#enterprise_name", enterprise_name(0, next(iter(IndustryCluster))))
    page.fill("#login", "browser-admin")
    page.fill("#display_name", "Browser Admin")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/login?signed_up=1")

    page.fill("#login", "browser-admin")
    page.fill("#password", "not the password")
    page.click("main button[type=submit]")
    assert page.locator("[role=alert]").inner_text() == "Wrong login or password"

    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    header = page.locator(".account")
    assert "browser-admin" in header.inner_text()
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["kejin_session"]["httpOnly"]
    assert cookies["kejin_session"]["sameSite"] == "Lax"

    header.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert "Sign in" in page.locator(".account").inner_text()
    assert "kejin_session" not in {c["name"] for c in page.context.cookies()}
