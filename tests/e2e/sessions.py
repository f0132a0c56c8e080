"""Signing in through the real login form: with the test client, as a browser would, and in
headless Chromium."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from fastapi.testclient import TestClient

from tests.factories import PASSWORD

if TYPE_CHECKING:  # the browser is imported with the browser tests only
    from playwright.sync_api import Page

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def form_csrf(client: TestClient, path: str = "/login") -> str:
    """The CSRF token a form on `path` carries for this client."""
    match = CSRF_INPUT.search(client.get(path).text)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def sign_in(client: TestClient, login: str, password: str = PASSWORD) -> str:
    """Sign in through the login form; returns the signed-in session's CSRF token."""
    response = client.post(
        "/login",
        data={"login": login, "password": password, "csrf_token": form_csrf(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return form_csrf(client, "/account/tokens")


def browser_signed_in(chromium: Any, url: str, login: str, locale: str = "en-US") -> Page:
    """A page of a new browser context on the app at `url`, signed in as `login` through the
    login form (close it with `page.context.close()`)."""
    context = chromium.new_context(
        locale=locale, viewport={"width": 1280, "height": 900}, base_url=url
    )
    page: Page = context.new_page()
    page.goto("/login")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{url}/**")
    return page
