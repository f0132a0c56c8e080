"""The search page over HTTP and in headless Chromium: cited paragraphs with the matched words
marked and everything else escaped, filters, pages that keep the query, the empty states,
refusals that name the field, the CSV and JSON exports, and following a result to its
paragraph in both languages."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import pytest
from fastapi.testclient import TestClient

from kejin.bootstrap import Platform
from kejin.documents import service as documents
from kejin.documents.model import DocumentInput, DocumentKind
from kejin.web.app import create_app
from tests.e2e.conftest import serving, sqlite_platform
from tests.e2e.sessions import browser_signed_in, sign_in
from tests.factories import create_user

HTML = {"accept": "text/html"}
ARTICLES = 12  # paragraphs of the rules document that mention 专精特新: two pages of ten


def _document(external_id: str, text: str, **fields: Any) -> DocumentInput:
    given: dict[str, Any] = {
        "title": f"{external_id} 标题",
        "language": "zh",
        "kind": DocumentKind.POLICY,
        "source": f"test:{external_id}",
    }
    return DocumentInput(external_id=external_id, text=text, **(given | fields))


LIBRARY = (
    _document(
        "sz-finance",
        "深圳市若干措施\n发展科技金融，支持知识产权质押融资。\n科技金融<b>不是标签</b>",
        title="深圳市科技金融若干措施",
        issuer="深圳市科技创新局",
        doc_no="深科技〔2024〕1号",
        date_text="2024-03-01",
        region="广东省深圳市",
    ),
    _document(
        "national-law",
        "促进法\n国家鼓励科技金融发展。",
        title="科技进步法",
        kind=DocumentKind.LAW,
        issuer="全国人大常委会",
        date_text="2021-12-24",
        region="全国",
    ),
    _document(
        "graded-rules",
        "专精特新办法\n" + "\n".join(f"第{n}条 专精特新企业第{n}项支持。" for n in range(1, 13)),
        title="专精特新中小企业办法",
        date_text="2022-06-01",
        region="浙江省",
    ),
)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    platform = sqlite_platform(Path(tmp_path_factory.mktemp("search-page")))
    for document in LIBRARY:
        documents.add_document(platform.uow(), document)
    create_user(platform, "fund_manager", login="researcher")
    yield platform
    platform.dispose()


@pytest.fixture
def client(library: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(library), raise_server_exceptions=False) as test_client:
        sign_in(test_client, "researcher")
        yield test_client


def _page(client: TestClient, status: int = 200, **params: Any) -> str:
    response = client.get("/search", params={"lang": "en", **params}, headers=HTML)
    assert response.status_code == status, response.text
    return response.text


def _cited(html: str) -> list[str]:
    """The paragraphs the results link to, in order: `external_id#p-position`."""
    return re.findall(r'<h2 class="result-title"><a href="/documents/([^"]+)"', html)


def test_a_query_lists_cited_paragraphs_with_the_matched_words_marked(client: TestClient) -> None:
    html = _page(client, q="科技金融")
    assert sorted(_cited(html)) == ["national-law#p-2", "sz-finance#p-2", "sz-finance#p-3"]
    assert 'data-total="3">3 results (' in html
    assert "<mark>科技金融</mark>，支持知识产权质押融资" in html
    assert "<mark>科技金融</mark>&lt;b&gt;不是标签&lt;/b&gt;" in html
    assert "<b>" not in html
    assert 'value="科技金融"' in html
    assert "autofocus" in html
    for shown in (
        "深圳市科技创新局",
        "深科技〔2024〕1号",
        "2024-03-01",
        "广东省深圳市",
        "test:sz-finance",
    ):
        assert shown in html
    assert ">Policy document</span>" in html
    assert ">Law</span>" in html


@pytest.mark.parametrize(
    ("filters", "cited"),
    [
        ({"region": "广东"}, ["sz-finance#p-2", "sz-finance#p-3"]),
        ({"kind": "law"}, ["national-law#p-2"]),
        ({"issuer": "全国人大常委会"}, ["national-law#p-2"]),
        ({"from": "2022-01-01"}, ["sz-finance#p-2", "sz-finance#p-3"]),
        ({"to": "2022-01-01", "language": "zh"}, ["national-law#p-2"]),
    ],
)
def test_filters_narrow_the_results_and_stay_in_the_form(
    client: TestClient, filters: dict[str, str], cited: list[str]
) -> None:
    html = _page(client, q="科技金融", **filters)
    assert sorted(_cited(html)) == cited
    for name, value in filters.items():
        field = re.search(rf'<(input|select) id="{name}"[^>]*>', html)
        assert field, name
        if field.group(1) == "input":
            assert f'value="{value}"' in field.group(0)
        else:
            assert f'<option value="{value}" selected>' in html


def test_pages_carry_the_query_and_the_filters(client: TestClient) -> None:
    first = _page(client, q="专精特新", region="浙江")
    assert len(_cited(first)) == 10
    assert f'data-total="{ARTICLES + 1}"' in first
    pager = re.search(r'<nav class="pagination".*?</nav>', first, re.S)
    assert pager
    links = [
        unquote(href.replace("&amp;", "&")) for href in re.findall(r'href="([^"]+)"', pager[0])
    ]
    assert links
    for link in links:
        query = parse_qs(urlsplit(link).query)
        assert (query["q"], query["region"]) == (["专精特新"], ["浙江"])
    assert any(parse_qs(urlsplit(link).query)["page"] == ["2"] for link in links)
    second = _page(client, q="专精特新", region="浙江", page=2)
    assert len(_cited(second)) == ARTICLES + 1 - 10
    assert '<ol class="results" start="11">' in second
    assert not set(_cited(first)) & set(_cited(second))


def test_without_a_query_the_page_offers_example_queries_and_the_syntax(client: TestClient) -> None:
    html = _page(client)
    examples = re.findall(r'class="button ghost" href="/search\?q=([^"]+)"', html)
    assert [unquote(e).replace("+", " ") for e in examples] == [
        "科技金融",
        "知识产权质押",
        "中小企业 融资",
        "专精特新",
    ]
    for example in ("科技金融 专精特新", "&#34;知识产权 质押融资&#34;", "OR", "-贷款"):
        assert example in html
    assert "result-title" not in html


def test_no_result_says_so_and_suggests_fewer_words_and_no_filters(client: TestClient) -> None:
    html = _page(client, q="区块链 科技金融", kind="law")
    assert "No paragraph matches “区块链 科技金融”" in html
    assert f'href="/search?{urlencode({"q": "区块链 科技金融"})}"' in html
    assert "Use fewer words" in html
    assert 'data-total="0"' in html


@pytest.mark.parametrize(
    ("params", "field", "named"),
    [
        ({"q": "科技金融", "from": "2024-01-01", "to": "2023-01-01"}, "to", "Published to"),
        ({"q": "科技金融", "from": "2024-13-01"}, "from", "Published from"),
        ({"q": "科技金融", "kind": "poem"}, "kind", "Kind"),
        ({"q": "科技金融", "page": "two"}, "page", "Page"),
        ({"q": "科技金融", "page": "9"}, "page", "Page"),
        ({"q": "科技金融", "page": str(2**31)}, "page", "Page"),
        ({"q": "、、"}, "q", "Search words"),
        ({"q": "科" * 201}, "q", "Search words"),
    ],
)
def test_bad_input_is_shown_on_the_page_naming_the_field(
    client: TestClient, params: dict[str, str], field: str, named: str
) -> None:
    html = _page(client, 422, **params)
    message = re.search(rf'<li data-field="{field}"><strong>([^<]+)</strong>: ([^<]+)', html)
    assert message, html
    assert message.group(1) == named
    assert message.group(2).strip()
    if field != "page":
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', html)
    assert 'role="search"' in html


def test_a_page_past_the_last_links_to_the_last(client: TestClient) -> None:
    html = _page(client, 422, q="专精特新", page="5")
    assert "The last page of results is page 2" in html
    assert re.search(r'href="[^"]*page=2[^"]*">Go to the last page', html)


def test_the_csv_export_holds_every_hit_with_its_citation(client: TestClient) -> None:
    response = client.get("/search/export", params={"q": "专精特新", "format": "csv", "lang": "en"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "search-results.csv" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert len(rows) == ARTICLES + 1
    assert [int(row["Rank"]) for row in rows] == list(range(1, ARTICLES + 2))
    assert {row["Document"] for row in rows} == {"graded-rules"}
    assert sorted(int(row["Paragraph"]) for row in rows) == list(range(1, ARTICLES + 2))
    for row in rows:
        assert row["Matched words"] == "专精特新"
        assert row["Link"].endswith(f"/documents/graded-rules#p-{row['Paragraph']}")
        assert row["Kind"] == "Policy document"


def test_the_json_export_keeps_the_query_filters_and_document_details(
    client: TestClient,
) -> None:
    response = client.get(
        "/search/export", params={"q": "科技金融", "region": "广东", "format": "json"}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["query"], body["filters"]) == ("科技金融", {"region": "广东"})
    assert (body["total"], body["exported"], body["limit"]) == (2, 2, 1000)
    hit = body["hits"][0]
    assert (hit["external_id"], hit["doc_no"], hit["source"]) == (
        "sz-finance",
        "深科技〔2024〕1号",
        "test:sz-finance",
    )
    assert hit["url"].endswith(f"/documents/sz-finance#p-{hit['position']}")
    start = hit["snippet"]["start"]
    assert [
        hit["snippet"]["text"][m["start"] - start : m["end"] - start]
        for m in hit["snippet"]["highlights"]
    ] == ["科技金融"]


def test_an_export_with_bad_input_is_refused_naming_the_field(client: TestClient) -> None:
    response = client.get("/search/export", params={"q": "科技金融", "from": "x"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "from"
    wrong = client.get("/search/export", params={"q": "科技金融", "format": "xml"})
    assert wrong.status_code == 422
    assert wrong.json()["field"] == "format"


def test_the_navigation_links_to_search_for_signed_in_people_only(
    client: TestClient, library: Platform
) -> None:
    assert 'href="/search"' in client.get("/", headers=HTML).text
    with TestClient(create_app(library)) as anonymous:
        assert 'href="/search"' not in anonymous.get("/", headers=HTML).text
        refused = anonymous.get("/search", headers=HTML, follow_redirects=False)
        assert refused.status_code in {302, 303}
        assert "/login" in refused.headers["location"]


def test_the_language_toggle_keeps_the_query(client: TestClient) -> None:
    html = client.get("/search", params={"q": "科技金融", "lang": "zh-CN"}, headers=HTML).text
    assert '<html lang="zh-CN">' in html
    toggle = re.search(r'<a href="([^"]+)" hreflang="en"', html)
    assert toggle
    assert parse_qs(urlsplit(toggle.group(1).replace("&amp;", "&")).query)["q"] == ["科技金融"]


@pytest.mark.browser
def test_a_reader_searches_and_follows_a_result_to_its_paragraph_in_both_languages(
    chromium: Any, library: Platform
) -> None:
    with serving(library) as url:
        page = browser_signed_in(chromium, url, "researcher")
        for lang in ("en", "zh-CN"):
            page.goto(f"/search?lang={lang}")
            # autofocus lands once the page is shown, which may follow the load event
            page.wait_for_function("document.activeElement && document.activeElement.id === 'q'")
            page.keyboard.type("知识产权质押")
            page.keyboard.press("Enter")
            page.wait_for_selector(".results .snippet mark")
            assert page.locator(".results mark").first.inner_text() == "知识产权质押"
            assert page.input_value("#q") == "知识产权质押"
            link = page.locator(".result-title a").first
            target = link.get_attribute("href")
            assert target == "/documents/sz-finance#p-2"
            link.click()
            page.wait_for_url(f"{url}{target}")
            page.wait_for_selector("#p-2.highlight")
            assert page.evaluate("document.querySelector(':target').id") == "p-2"
            assert "知识产权质押融资" in page.inner_text("#p-2")
            assert page.evaluate("document.documentElement.lang") == lang
        page.context.close()
