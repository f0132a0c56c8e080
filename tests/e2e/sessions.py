"""Signing in through the real login form with the test client, as a browser would."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.factories import PASSWORD

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
