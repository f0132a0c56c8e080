"""`GET /api/v1/search` through the application: the results contract, filters, pages and
refusals with the parameter named."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kejin.bootstrap import Platform
from kejin.documents import service as documents
from kejin.documents.model import DocumentInput, DocumentKind
from kejin.web.app import create_app
from tests.e2e.sessions import sign_in
from tests.factories import create_user

PARAGRAPH = "各地发展科技金融，支持AI企业。"


@pytest.fixture
def client(platform: Platform, tmp_path: Path) -> TestClient:
    for number, region in enumerate(("广东省深圳市", "浙江省", "广东省"), start=1):
        document = DocumentInput(
            external_id=f"doc-{number}",
            title=f"文件{number}",
            text=f"标题{number}\n{PARAGRAPH}",
            language="zh",
            kind=DocumentKind.POLICY,
            source="test",
            region=region,
            date_text=f"202{number}-01-01",
        )
        documents.add_document(platform.uow(), document)
    own = Platform(replace(platform.settings, data_dir=tmp_path), platform.engine)
    create_user(own, "bank_officer")
    client = TestClient(create_app(own))
    sign_in(client, "bank_officer")
    return client


def test_a_signed_in_user_gets_cited_paragraphs_with_highlight_offsets(client: TestClient) -> None:
    response = client.get("/api/v1/search", params={"q": "科技金融 ai", "per_page": 2})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["total"], body["page"], body["per_page"], body["pages"]) == (3, 1, 2, 2)
    hit = body["hits"][0]
    assert hit["position"] == 2
    assert hit["external_id"].startswith("doc-")
    marked = [PARAGRAPH[h["start"] : h["end"]] for h in hit["snippet"]["highlights"]]
    assert marked == ["科技金融", "AI"]


def test_filters_and_the_second_page(client: TestClient) -> None:
    found = client.get(
        "/api/v1/search", params={"q": "科技金融", "region": "广东", "from": "2022-06-01"}
    ).json()
    assert [hit["external_id"] for hit in found["hits"]] == ["doc-3"]
    second = client.get("/api/v1/search", params={"q": "科技金融", "page": 2, "per_page": 2})
    assert len(second.json()["hits"]) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "、"}, "q"),
        ({"q": "金融", "per_page": 0}, "per_page"),
        ({"q": "金融", "page": 2**31}, "page"),
        ({"q": "金融", "page": 10**30}, "page"),
        ({"q": "金融", "from": "2024-01-01", "to": "2023-01-01"}, "to"),
    ],
)
def test_bad_parameters_are_refused_naming_the_field(
    client: TestClient, params: dict[str, object], field: str
) -> None:
    response = client.get("/api/v1/search", params=params)
    assert response.status_code == 422
    assert field in response.text


def test_anonymous_visitors_must_sign_in(platform: Platform) -> None:
    with TestClient(create_app(platform)) as anonymous:
        assert anonymous.get("/api/v1/search", params={"q": "金融"}).status_code == 401
