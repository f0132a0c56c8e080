"""The coverage pages and API over HTTP: analysts read the stage × layer table, a cell's
blockers and a policy's reach in both languages; consented firms only are listed and exported;
other roles are refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kejin.matching import service as matching
from kejin.web.app import create_app
from tests.catalogue import seed_catalogue
from tests.e2e.assessment_world import AssessedWorld, build_world
from tests.e2e.conftest import sqlite_platform
from tests.e2e.sessions import sign_in

HTML = {"accept": "text/html"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AssessedWorld]:
    platform = sqlite_platform(Path(tmp_path_factory.mktemp("coverage")))
    built = build_world(platform)
    seed_catalogue(platform)
    matching.run_all(platform.uow, started_by="test")
    yield built
    platform.dispose()


@pytest.fixture
def client(world: AssessedWorld) -> Iterator[TestClient]:
    with TestClient(create_app(world.platform), raise_server_exceptions=False) as test_client:
        yield test_client


def test_an_analyst_reads_the_coverage_table_with_its_any_layer_rows_and_flags(
    client: TestClient,
) -> None:
    sign_in(client, "chen")
    body = client.get("/api/v1/financing/coverage").json()
    assert body["run"]["enterprises"] == 300
    anywhere = [cell for cell in body["cells"] if cell["layer"] is None]
    assert sum(cell["firms"] for cell in anywhere) == 300
    early = {cell["stage"] for cell in body["cells"] if cell["early"]}
    assert early <= {"seed", "start_up"}
    chinese = client.get("/financing/coverage?lang=zh-CN", headers=HTML)
    english = client.get("/financing/coverage?lang=en", headers=HTML)
    assert chinese.status_code == english.status_code == 200
    assert "银行信贷" in chinese.text
    assert "Bank credit" in english.text
    assert 'id="chart-coverage"' in english.text
    assert 'id="chart-needs"' in english.text
    for cell in body["cells"]:
        stage, layer = cell["stage"] or "none", cell["layer"] or "any"
        assert f'data-stage="{stage}" data-layer="{layer}"' in english.text


def test_a_cluster_filter_counts_that_clusters_firms_only(client: TestClient) -> None:
    sign_in(client, "chen")
    body = client.get("/api/v1/financing/coverage?cluster=ai").json()
    everything = client.get("/api/v1/financing/coverage").json()
    firms = sum(c["firms"] for c in body["cells"] if c["layer"] is None)
    assert 0 < firms < sum(c["firms"] for c in everything["cells"] if c["layer"] is None)
    assert all(c["needs"] == 0 for c in body["cells"])


def test_a_cells_drill_down_names_blockers_and_lists_and_exports_consented_firms_only(
    world: AssessedWorld, client: TestClient
) -> None:
    sign_in(client, "chen")
    cells = client.get("/api/v1/financing/coverage").json()["cells"]
    cell = next(c for c in cells if c["layer"] == "bank" and c["firms"] > c["eligible"])
    query = f"stage={cell['stage'] or 'none'}&layer=bank"
    found = client.get(f"/api/v1/financing/coverage/cell?{query}").json()
    assert found["gap_firms"] == cell["firms"] - cell["eligible"]
    assert found["blockers"]
    assert {firm["uscc"] for firm in found["listed"]} <= set(world.shared_codes)
    english = client.get(f"/financing/coverage/cell?{query}&lang=en", headers=HTML)
    chinese = client.get(f"/financing/coverage/cell?{query}&lang=zh-CN", headers=HTML)
    assert english.status_code == chinese.status_code == 200
    assert found["blockers"][0]["label_en"] in english.text.replace("&#39;", "'")
    assert found["blockers"][0]["label_zh"] in chinese.text
    export = client.get(f"/financing/coverage/cell/export.csv?{query}")
    assert export.status_code == 200
    lines = export.text.lstrip("\ufeff").splitlines()
    assert len(lines) == 1 + len(found["listed"])


def test_a_policys_reach_page_and_lists_show_consented_firms_and_the_policy_links_to_it(
    world: AssessedWorld, client: TestClient
) -> None:
    sign_in(client, "chen")
    run = client.get("/api/v1/financing/coverage").json()["run"]
    assert run is not None
    policies = client.get("/api/v1/policies").json()
    codes = [p["code"] for p in policies["items"]]
    reaches = {code: client.get(f"/api/v1/policies/{code}/reach").json() for code in codes}
    code = max(codes, key=lambda c: sum(x["automatic"] for x in reaches[c]["cells"]))
    cells = reaches[code]["cells"]
    assert sum(c["automatic"] + c["apply"] + c["not_eligible"] for c in cells) == 300
    entitled = client.get(f"/api/v1/policies/{code}/entitled").json()
    assert entitled["total"] == sum(c["automatic"] for c in cells)
    assert {firm["uscc"] for firm in entitled["firms"]} <= set(world.shared_codes)
    english = client.get(f"/policies/{code}/reach?lang=en", headers=HTML)
    chinese = client.get(f"/policies/{code}/reach?lang=zh-CN", headers=HTML)
    assert english.status_code == chinese.status_code == 200
    assert 'id="list-automatic"' in english.text
    figure = english.text.split('data-chart-for="chart-reach">', 1)[1].split("</script>", 1)[0]
    assert "Must apply" in figure
    assert 'id="list-apply"' in chinese.text
    export = client.get(f"/policies/{code}/reach/export.csv?list=automatic")
    assert len(export.text.lstrip("\ufeff").splitlines()) == 1 + len(entitled["firms"])
    assert f'href="/policies/{code}/reach"' in client.get(f"/policies/{code}", headers=HTML).text


def test_other_roles_are_refused_and_the_navigation_links_coverage_for_analysts(
    client: TestClient,
) -> None:
    sign_in(client, "wang")
    assert client.get("/api/v1/financing/coverage").status_code == 403
    assert 'href="/financing/coverage"' not in client.get("/", headers=HTML).text
    sign_in(client, "chen")
    assert 'href="/financing/coverage"' in client.get("/", headers=HTML).text
