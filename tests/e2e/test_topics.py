"""Topics through the application: the API (create, list, detail, edit at the ETag's version,
refresh, digest as JSON and Markdown), the pages (list with the form, a topic's digest with
citation links to paragraphs), who may create, CSRF on the form, and refusals naming the
field."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kejin.bootstrap import Platform
from kejin.documents import service as documents
from kejin.documents.model import DocumentInput, DocumentKind
from kejin.web.app import create_app
from tests.e2e.sessions import form_csrf, sign_in
from tests.factories import create_user

QUERY = "科技金融 OR 投贷联动"
TOPIC = {"name": "科技金融支持体系", "query": QUERY, "slug": "tech-finance"}
CITATION = re.compile(r'href="/documents/([^"#]+)#p-(\d+)"')


def _document(external_id: str, text: str) -> DocumentInput:
    return DocumentInput(
        external_id=external_id,
        title=f"文件{external_id}",
        text=text,
        language="zh",
        kind=DocumentKind.POLICY,
        source="test",
        issuer="科技部",
        date_text="2024-05-01",
    )


@pytest.fixture
def own(platform: Platform, tmp_path: Path) -> Platform:
    own = Platform(replace(platform.settings, data_dir=tmp_path), platform.engine)
    for document in (
        _document("tf", "总则\n大力发展科技金融，支持科技型中小企业通过知识产权质押获得更多贷款。"),
        _document(
            "link", "投贷联动\n银行与投资机构开展投贷联动试点，为初创企业提供股债结合的融资。"
        ),
    ):
        documents.add_document(own.uow(), document)
    for role in ("government_analyst", "bank_officer"):
        create_user(own, role)
    return own


def _client(platform: Platform, login: str) -> tuple[TestClient, str]:
    client = TestClient(create_app(platform))
    return client, sign_in(client, login)


def test_an_analyst_creates_a_topic_over_the_api_and_reads_it_and_its_digest(
    own: Platform,
) -> None:
    client, csrf = _client(own, "government_analyst")
    headers = {"X-CSRF-Token": csrf}
    created = client.post("/api/v1/topics", json=TOPIC, headers=headers)
    assert created.status_code == 201, created.text
    assert (created.json()["slug"], created.json()["documents"]) == ("tech-finance", 2)
    listed = client.get("/api/v1/topics").json()
    assert [(t["slug"], t["documents"], t["new"]) for t in listed] == [("tech-finance", 2, 0)]
    detail = client.get("/api/v1/topics/tech-finance").json()
    assert {d["document"]["external_id"] for d in detail["documents"]} == {"tf", "link"}
    refreshed = client.post("/api/v1/topics/tech-finance/refresh", headers=headers)
    assert refreshed.json() == {"slug": "tech-finance", "added": 0, "documents": 2}
    digest = client.get("/api/v1/topics/tech-finance/digest").json()
    numbers = [p["source"] for e in digest["entries"] for p in [e["passage"], *e["points"]] if p]
    assert all(e["passage"] for e in digest["entries"])
    assert numbers == [s["number"] for s in digest["sources"]] == list(range(1, len(numbers) + 1))
    markdown = client.get("/api/v1/topics/tech-finance/digest", params={"format": "markdown"})
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text.startswith("# 科技金融支持体系\n")


def test_creating_is_refused_with_the_field_named(own: Platform) -> None:
    client, csrf = _client(own, "government_analyst")
    headers = {"X-CSRF-Token": csrf}
    assert client.post("/api/v1/topics", json=TOPIC, headers=headers).status_code == 201
    taken = client.post("/api/v1/topics", json=TOPIC, headers=headers)
    assert taken.status_code == 409
    bad = client.post(
        "/api/v1/topics",
        json={**TOPIC, "slug": "x", "filters": {"from": "1.1.2024"}},
        headers=headers,
    )
    assert bad.status_code == 422
    assert "filters.from" in bad.text
    empty = client.post(
        "/api/v1/topics", json={**TOPIC, "slug": "y", "query": " "}, headers=headers
    )
    assert empty.status_code == 422
    assert "query" in empty.text
    assert client.get("/api/v1/topics/nope").status_code == 404


def test_a_bank_officer_reads_topics_but_may_not_create_or_refresh_them(own: Platform) -> None:
    analyst, csrf = _client(own, "government_analyst")
    analyst.post("/api/v1/topics", json=TOPIC, headers={"X-CSRF-Token": csrf})
    officer, officer_csrf = _client(own, "bank_officer")
    headers = {"X-CSRF-Token": officer_csrf}
    assert officer.get("/api/v1/topics").status_code == 200
    assert (
        officer.post("/api/v1/topics", json={**TOPIC, "slug": "z"}, headers=headers).status_code
        == 403
    )
    assert officer.post("/api/v1/topics/tech-finance/refresh", headers=headers).status_code == 403
    page = officer.get("/topics")
    assert page.status_code == 200
    assert 'id="topic-form"' not in page.text
    topic_page = officer.get("/topics/tech-finance")
    assert 'id="topic-edit-form"' not in topic_page.text
    assert (
        officer.post(
            "/topics/tech-finance", data={"name": "x", "query": QUERY, "version": "1"}
        ).status_code
        == 403
    )
    assert TestClient(create_app(own)).get("/api/v1/topics").status_code == 401


def test_the_form_saves_a_topic_and_its_page_links_each_citation_to_its_paragraph(
    own: Platform,
) -> None:
    client, _ = _client(own, "government_analyst")
    token = form_csrf(client, "/topics")
    saved = client.post("/topics", data={**TOPIC, "csrf_token": token}, follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"] == "/topics/tech-finance"
    page = client.get("/topics/tech-finance")
    assert page.status_code == 200
    citations = CITATION.findall(page.text)
    assert citations
    # each of the two documents in the digest opens with its passage
    assert page.text.count('<blockquote class="passage">') == 2
    for external_id, position in set(citations):
        document = client.get(f"/documents/{external_id}")
        assert f'id="p-{position}"' in document.text
    assert "/search?q=%E7%A7%91%E6%8A%80%E9%87%91%E8%9E%8D+OR" in page.text
    listing = client.get("/topics")
    assert 'data-topic="tech-finance"' in listing.text
    chinese = client.get("/topics/tech-finance", params={"lang": "zh_CN"})
    assert chinese.status_code == 200


def test_the_form_without_its_csrf_token_is_refused_and_saves_nothing(own: Platform) -> None:
    client, _ = _client(own, "government_analyst")
    refused = client.post("/topics", data=TOPIC, follow_redirects=False)
    assert refused.status_code == 403
    assert client.get("/api/v1/topics").json() == []


def test_a_refused_form_shows_the_reason_and_keeps_what_was_typed(own: Platform) -> None:
    client, _ = _client(own, "government_analyst")
    token = form_csrf(client, "/topics")
    form = {**TOPIC, "from": "2025-02-01", "to": "2025-01-01", "csrf_token": token}
    refused = client.post("/topics?lang=en", data=form)
    assert refused.status_code == 422
    assert "The end date is before the start date" in refused.text
    assert 'value="科技金融支持体系"' in refused.text


def test_an_edit_needs_the_etag_read_and_a_new_query_collects_again(own: Platform) -> None:
    client, csrf = _client(own, "government_analyst")
    headers = {"X-CSRF-Token": csrf}
    assert client.post("/api/v1/topics", json=TOPIC, headers=headers).status_code == 201
    read = client.get("/api/v1/topics/tech-finance")
    tag = read.headers["etag"]
    assert tag == f'"{read.json()["topic"]["version"]}"'
    change = {"query": "投贷联动"}
    missing = client.patch("/api/v1/topics/tech-finance", json=change, headers=headers)
    assert missing.status_code == 428
    bad = client.patch(
        "/api/v1/topics/tech-finance", json=change, headers={**headers, "If-Match": "x"}
    )
    assert bad.status_code == 422
    edited = client.patch(
        "/api/v1/topics/tech-finance", json=change, headers={**headers, "If-Match": tag}
    )
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert (body["added"], body["removed"], body["topic"]["documents"]) == (0, 1, 1)
    assert body["topic"]["name"] == TOPIC["name"]
    assert edited.headers["etag"] == f'"{body["topic"]["version"]}"' != tag
    stale = client.patch(
        "/api/v1/topics/tech-finance", json={"name": "x"}, headers={**headers, "If-Match": tag}
    )
    assert stale.status_code == 412
    detail = client.get("/api/v1/topics/tech-finance").json()
    assert [d["document"]["external_id"] for d in detail["documents"]] == ["link"]
    assert detail["topic"]["name"] == TOPIC["name"]
    empty = client.patch(
        "/api/v1/topics/tech-finance",
        json={"query": " "},
        headers={**headers, "If-Match": edited.headers["etag"]},
    )
    assert empty.status_code == 422
    assert "query" in empty.text
    officer, officer_csrf = _client(own, "bank_officer")
    refused = officer.patch(
        "/api/v1/topics/tech-finance",
        json=change,
        headers={"X-CSRF-Token": officer_csrf, "If-Match": edited.headers["etag"]},
    )
    assert refused.status_code == 403


def _edit_form(client: TestClient) -> dict[str, str]:
    page = client.get("/topics/tech-finance")
    assert 'id="topic-edit-form"' in page.text
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version is not None
    return {"version": version.group(1), "csrf_token": form_csrf(client, "/topics/tech-finance")}


def test_the_topic_page_edits_the_topic_and_a_stale_form_asks_to_reload(own: Platform) -> None:
    client, csrf = _client(own, "government_analyst")
    assert client.post("/api/v1/topics", json=TOPIC, headers={"X-CSRF-Token": csrf}).is_success
    opened = _edit_form(client)
    no_token = {"name": "投贷联动专题", "query": "投贷联动", "version": opened["version"]}
    assert client.post("/topics/tech-finance", data=no_token).status_code == 403
    saved = client.post("/topics/tech-finance", data={**no_token, **opened}, follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"] == "/topics/tech-finance"
    detail = client.get("/api/v1/topics/tech-finance").json()
    assert (detail["topic"]["name"], detail["topic"]["query"]) == ("投贷联动专题", "投贷联动")
    assert [d["document"]["external_id"] for d in detail["documents"]] == ["link"]
    stale = client.post(
        "/topics/tech-finance?lang=en",
        data={
            **no_token,
            **opened,
            "name": "Another name",
            "csrf_token": _edit_form(client)["csrf_token"],
        },
    )
    assert stale.status_code == 409
    assert 'id="reload-link"' in stale.text
    assert 'value="Another name"' in stale.text
    assert client.get("/api/v1/topics/tech-finance").json()["topic"]["name"] == "投贷联动专题"
    refused = client.post(
        "/topics/tech-finance?lang=en", data={**_edit_form(client), "name": "x", "query": ""}
    )
    assert refused.status_code == 422
    assert "Enter the words the topic searches for" in refused.text
