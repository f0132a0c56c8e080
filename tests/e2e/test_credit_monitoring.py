"""Credit monitoring over HTTP: the page's empty states, a platform admin running a monitoring
of the registry from the page (CSRF-checked), the charts and feature table that follow, the
runs as JSON, and who may see and run them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kejin.bootstrap import Platform
from kejin.credit import lending, service
from kejin.region import service as region
from kejin.web.app import create_app
from tests.credit_data import put_model_in_service
from tests.e2e.conftest import sqlite_platform
from tests.e2e.sessions import sign_in
from tests.factories import create_user

HTML = {"accept": "text/html"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """A region of 30 firms and bank, admin and government accounts; no model yet."""
    platform = sqlite_platform(Path(tmp_path_factory.mktemp("monitoring")))
    region.build_demo_region(platform, 30, 4)
    for role, login in [
        ("bank_officer", "wang"),
        ("platform_admin", "admin"),
        ("government_analyst", "chen"),
    ]:
        create_user(platform, role, login)
    yield platform
    platform.dispose()


@pytest.fixture
def client(world: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(world), raise_server_exceptions=False) as test_client:
        yield test_client


def test_monitoring_from_an_empty_page_to_charts_for_an_admin(
    world: Platform, client: TestClient
) -> None:
    csrf = sign_in(client, "admin")
    page = client.get("/credit/monitoring?lang=en", headers=HTML)
    assert page.status_code == 200
    assert 'id="no-model"' in page.text
    assert 'id="run-now"' not in page.text

    put_model_in_service(Path(world.settings.data_dir))
    page = client.get("/credit/monitoring?lang=en", headers=HTML)
    assert 'id="no-run"' in page.text
    assert "kejin credit monitor --registry" in page.text
    assert 'id="run-now"' in page.text
    assert client.get("/api/v1/credit/monitoring").json()["total"] == 0

    refused = client.post("/credit/monitoring", data={}, follow_redirects=False)
    assert refused.status_code == 403
    ran = client.post("/credit/monitoring", data={"csrf_token": csrf}, follow_redirects=False)
    assert ran.status_code == 303
    assert ran.headers["location"] == "/credit/monitoring"

    runs = client.get("/api/v1/credit/monitoring").json()
    assert runs["total"] == 1
    summary = runs["items"][0]
    assert summary["rows"] == 30
    assert summary["started_by"] == "admin"
    detail = client.get(f"/api/v1/credit/monitoring/{summary['id']}").json()
    model = service.load_model(lending.current_model(Path(world.settings.data_dir)))
    assert [f["name"] for f in detail["features"]] == list(model.feature_names)
    assert sum(band["actual"] for band in detail["distribution"]) == 30

    page = client.get("/credit/monitoring?lang=en", headers=HTML).text
    for chart in ("distribution", "features", "series"):
        assert f'data-chart="{chart}"' in page
    assert "0.1" in page
    for feature in detail["features"]:
        assert f'id="feature-{feature["name"]}"' in page
    assert f"{detail['score_psi']:.4f}" in page
    assert client.get("/api/v1/credit/monitoring/999999").status_code == 404


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_bank_staff_read_the_page_in_both_languages_but_do_not_run_it(
    world: Platform, client: TestClient, lang: str
) -> None:
    if not lending.models_folder(Path(world.settings.data_dir)).is_dir():
        put_model_in_service(Path(world.settings.data_dir))
    csrf = sign_in(client, "wang")
    page = client.get(f"/credit/monitoring?lang={lang}", headers=HTML)
    assert page.status_code == 200
    assert f'<html lang="{lang.replace("_", "-")}"' in page.text
    assert 'id="run-now"' not in page.text
    ran = client.post("/credit/monitoring", data={"csrf_token": csrf}, follow_redirects=False)
    assert ran.status_code == 403
    model = client.get("/credit/model", headers=HTML).text
    assert re.search(r'href="/credit/monitoring" id="monitoring-link"', model)
    sign_in(client, "chen")
    assert client.get("/credit/monitoring", headers=HTML).status_code == 403
    assert client.get("/api/v1/credit/monitoring").status_code == 403
