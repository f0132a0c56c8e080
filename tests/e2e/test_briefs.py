"""Document briefs over HTTP and in headless Chromium: the API's brief with citations that
resolve, problem+json for an unknown id or an anonymous caller, and the document page whose
citations scroll to and highlight their paragraph in both languages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kejin.bootstrap import Platform
from kejin.documents import queries
from kejin.documents import service as documents
from kejin.web.app import create_app
from tests.e2e.conftest import serving, sqlite_platform
from tests.e2e.sessions import browser_signed_in, sign_in
from tests.factories import create_user

GUIDE = "guide-support-system.zh"
HTML = {"accept": "text/html"}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    platform = sqlite_platform(Path(tmp_path_factory.mktemp("briefs")))
    documents.load_guides(platform)
    create_user(platform, "bank_officer", login="reader")
    yield platform
    platform.dispose()


@pytest.fixture
def client(library: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(library), raise_server_exceptions=False) as test_client:
        yield test_client


def test_a_signed_in_user_reads_a_brief_whose_citations_resolve(
    client: TestClient, library: Platform
) -> None:
    sign_in(client, "reader")
    body = client.get(f"/api/v1/documents/{GUIDE}/brief").json()
    assert body["document"]["external_id"] == GUIDE
    _, paragraphs = queries.document_with_paragraphs(library.uow, GUIDE)
    bullets = body["key_points"] + [b for s in body["sections"] for b in s["bullets"]]
    assert bullets
    for item in bullets + body["figures"]:
        assert item["text"] in paragraphs[item["citation"]["position"] - 1].text
    assert [s["source"] for s in body["sources"]] == list(range(1, len(body["sources"]) + 1))


def test_an_unknown_document_and_an_anonymous_caller_get_problems(client: TestClient) -> None:
    anonymous = client.get(f"/api/v1/documents/{GUIDE}/brief")
    assert anonymous.status_code == 401
    sign_in(client, "reader")
    missing = client.get("/api/v1/documents/no-such-id/brief")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert "no-such-id" in missing.json()["detail"]
    assert client.get("/documents/no-such-id", headers=HTML).status_code == 404


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_the_document_page_anchors_every_paragraph_and_links_every_citation(
    client: TestClient, lang: str
) -> None:
    sign_in(client, "reader")
    page = client.get(f"/documents/{GUIDE}?lang={lang}", headers=HTML)
    assert page.status_code == 200
    anchors = set(re.findall(r'<p id="(p-\d+)"', page.text))
    links = set(re.findall(r'class="cite" href="#(p-\d+)"', page.text))
    assert links
    assert links <= anchors
    assert f'<html lang="{lang}">' in page.text


@pytest.mark.browser
def test_following_a_citation_highlights_its_paragraph_in_both_languages(
    chromium: Any, library: Platform
) -> None:
    with serving(library) as url:
        page = browser_signed_in(chromium, url, "reader")
        for lang in ("en", "zh-CN"):
            page.goto(f"/documents/{GUIDE}?lang={lang}")
            citations = page.locator(".doc-brief .brief-points a.cite")
            last = citations.nth(citations.count() - 1)
            target = f"#p-{last.get_attribute('data-paragraph')}"
            last.click()
            page.wait_for_selector(f"{target}.highlight")
            assert page.locator(".doc-text p.highlight").count() == 1
            assert (
                page.evaluate(f"document.querySelector('{target}').getBoundingClientRect().top")
                >= 0
            )
        page.context.close()
