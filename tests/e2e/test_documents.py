"""The document library over HTTP: uploads of every format, bad files refused as 422 problems
naming the field and reason with nothing stored, the list with filters, one document with its
paragraphs, and deletion."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from kejin.bootstrap import Platform
from kejin.web.app import create_app
from tests.document_files import text_pdf, word_file
from tests.e2e.sessions import sign_in
from tests.factories import create_user

NOTICE_MD = "---\ntitle: 首贷贴息通知\n---\n# 第一条\n第二条　贴息百分之五十。\n".encode()
FILES = {
    "notice.txt": "---\ntitle: 首贷贴息通知\n---\n第一条　首贷。\n第二条　贴息。\n".encode(),
    "notice.md": NOTICE_MD,
    "notice.html": "<title>首贷贴息通知</title><p>第一条　首贷。</p><p>第二条</p>".encode(),
    "notice.pdf": text_pdf([["Article 1 first loans.", "Article 2 subsidy."]], title="Notice"),
    "notice.docx": word_file(["第一条　首贷。", "第二条　贴息。"], title="首贷贴息通知"),
}


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    for role in ("platform_admin", "government_analyst", "bank_officer"):
        create_user(platform, role)
    with TestClient(create_app(platform), raise_server_exceptions=False) as test_client:
        yield test_client


def _upload(
    client: TestClient, csrf: str, name: str, content: bytes, **fields: str
) -> tuple[int, dict[str, object]]:
    response = client.post(
        "/api/v1/documents",
        files={"file": (name, content)},
        data=fields,
        headers={"X-CSRF-Token": csrf, "Accept-Language": "en"},
    )
    return response.status_code, response.json()


def _total(client: TestClient) -> int:
    total: int = client.get("/api/v1/documents").json()["total"]
    return total


@pytest.mark.parametrize("name", sorted(FILES))
def test_a_file_of_each_format_is_uploaded_and_read_back(client: TestClient, name: str) -> None:
    csrf = sign_in(client, "government_analyst")
    status, body = _upload(client, csrf, name, FILES[name], region="广东省深圳市", tags="贴息")
    assert status == 201, body
    assert (body["external_id"], body["paragraphs"], body["already_present"]) == (
        "notice",
        2,
        False,
    )
    detail = client.get("/api/v1/documents/notice").json()
    assert (detail["document"]["level"], detail["document"]["tags"]) == ("municipal", ["贴息"])
    assert [p["position"] for p in detail["paragraphs"]] == [1, 2]
    again = _upload(client, csrf, name, FILES[name], id="other")[1]
    assert (again["id"], again["already_present"]) == (body["id"], True)


@pytest.mark.parametrize(
    ("name", "content", "field", "reason"),
    [
        ("scan.pdf", text_pdf([[]]), "file", "has no text layer (scanned?)"),
        ("cut.pdf", FILES["notice.pdf"][:200], "file", "is not a readable PDF"),
        ("fake.pdf", b"hello", "file", "is not a PDF file"),
        ("cut.docx", FILES["notice.docx"][:500], "file", "is not a readable Word document"),
        ("gbk.txt", "---\ntitle: t\n---\n贴息".encode("gbk"), "file", "is not UTF-8 text"),
        ("empty.md", b"", "file", "is empty"),
        ("untitled.txt", "正文".encode(), "title", "is missing or empty"),
        ("many.jsonl", b'{"id": "a"}\n', "file", "holds many documents"),
        ("notes.rtf", b"{\\rtf1}", "file", "has a suffix that is not supported"),
    ],
)
def test_a_bad_file_is_a_422_naming_the_field_and_nothing_is_stored(
    client: TestClient, name: str, content: bytes, field: str, reason: str
) -> None:
    csrf = sign_in(client, "platform_admin")
    status, body = _upload(client, csrf, name, content)
    assert status == 422
    assert body["detail"].startswith(name)
    assert [(e["field"], e["reason"][: len(reason)]) for e in body["errors"]] == [(field, reason)]
    assert _total(client) == 0


def test_a_bad_metadata_field_is_named(client: TestClient) -> None:
    csrf = sign_in(client, "platform_admin")
    status, body = _upload(client, csrf, "notice.md", NOTICE_MD, date="2025-02-30")
    assert status == 422
    assert [e["field"] for e in body["errors"]] == ["date"]
    assert _total(client) == 0


def test_an_oversized_file_is_refused_naming_the_limit(platform: Platform) -> None:
    small = replace(platform.settings, document_max_bytes=40)
    create_user(platform, "platform_admin")
    app = create_app(Platform(settings=small, engine=platform.engine))
    with TestClient(app, raise_server_exceptions=False) as client:
        csrf = sign_in(client, "platform_admin")
        status, body = _upload(client, csrf, "notice.md", NOTICE_MD)
        assert status == 422
        assert body["detail"] == "notice.md is larger than the limit of 40 bytes"
        assert _total(client) == 0


def test_the_list_filters_and_the_admin_deletes(client: TestClient) -> None:
    csrf = sign_in(client, "platform_admin")
    _upload(client, csrf, "a.md", NOTICE_MD, region="广东省深圳市", date="2024-05-01")
    _upload(client, csrf, "b.txt", FILES["notice.txt"], region="北京市", date="2025", language="en")
    listed = client.get("/api/v1/documents", params={"region": "广东省", "size": 10}).json()
    assert [d["external_id"] for d in listed["items"]] == ["a"]
    english = client.get(
        "/api/v1/documents", params={"language": "en", "published_from": "2025-01-01"}
    )
    assert [d["external_id"] for d in english.json()["items"]] == ["b"]
    reversed_days = {"published_from": "2025-01-02", "published_until": "2025-01-01"}
    assert client.get("/api/v1/documents", params=reversed_days).status_code == 422

    deleted = client.delete("/api/v1/documents/a", headers={"X-CSRF-Token": csrf})
    assert (deleted.status_code, deleted.json()["paragraphs"]) == (200, 2)
    assert client.get("/api/v1/documents/a").status_code == 404
    assert client.delete("/api/v1/documents/a", headers={"X-CSRF-Token": csrf}).status_code == 404
    assert _total(client) == 1


def test_readers_read_but_neither_upload_nor_delete(client: TestClient) -> None:
    assert client.get("/api/v1/documents").status_code == 401
    csrf = sign_in(client, "bank_officer")
    assert client.get("/api/v1/documents").status_code == 200
    assert _upload(client, csrf, "a.md", NOTICE_MD)[0] == 403
    assert client.delete("/api/v1/documents/a", headers={"X-CSRF-Token": csrf}).status_code == 403
