"""The assessment over HTTP: one enterprise's assessment (own users, purposes, grants, refusals),
the region view and its drill-down with CSV export, for each role, as JSON and as pages; and
the empty state before the first run."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select

from kejin.assessment.model import Status
from kejin.assessment.orm import EnterpriseResultRow
from kejin.audit import service as audit
from kejin.bootstrap import Platform
from kejin.consent.service import READ, SUBJECT
from kejin.core.pagination import PageRequest
from kejin.identity.model import TokenScope
from kejin.registry.orm import EnterpriseRow
from kejin.web.app import create_app
from kejin.web.charts import PALETTE
from tests.e2e.assessment_world import SHARED_CLUSTER, AssessedWorld, build_world
from tests.e2e.conftest import sqlite_platform
from tests.e2e.sessions import sign_in
from tests.factories import bearer, create_user, credit_code, seed_enterprises

HTML = {"accept": "text/html"}
ADVISED = {Status.UNMET.value, Status.UNKNOWN.value}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AssessedWorld]:
    platform = sqlite_platform(Path(tmp_path_factory.mktemp("assessed")))
    yield build_world(platform)
    platform.dispose()


@pytest.fixture
def client(world: AssessedWorld) -> Iterator[TestClient]:
    with TestClient(create_app(world.platform), raise_server_exceptions=False) as test_client:
        yield test_client


def _as(client: TestClient, login: str) -> TestClient:
    sign_in(client, login)
    return client


def _assessment(code: str, query: str = "") -> str:
    return f"/api/v1/enterprises/{code}/assessment{query}"


# --- one enterprise over the API ----------------------------------------------------------------


def test_an_enterprise_user_reads_its_own_assessment_without_a_purpose(
    world: AssessedWorld, client: TestClient
) -> None:
    body = _as(client, "lin").get(_assessment(world.own_code)).json()
    assert body["uscc"] == world.own_code
    assert {s["code"] for s in body["standards"]} == set(world.run.rule_versions)
    assert all(s["advice"] is None for s in body["standards"])  # advice only on request
    assert body["run_id"] == world.run.id
    for standard in body["standards"]:
        assert standard["verdict"]["sentence_zh"]
        assert standard["verdict"]["sentence_en"]
        assert standard["version"] == world.run.rule_versions[standard["code"]]["version"]
    advised = client.get(_assessment(world.own_code, "?advice=true")).json()
    for standard in advised["standards"]:
        assert (standard["advice"] is not None) == (standard["status"] in ADVISED)


def test_the_points_of_a_read_are_those_the_run_stored(
    world: AssessedWorld, client: TestClient
) -> None:
    with world.platform.engine.connect() as conn:
        stored = conn.execute(
            select(EnterpriseRow.uscc, EnterpriseResultRow.innovation_points)
            .join(EnterpriseResultRow, EnterpriseResultRow.enterprise_id == EnterpriseRow.id)
            .where(
                EnterpriseRow.uscc.in_(world.shared_codes),
                EnterpriseResultRow.innovation_points.is_not(None),
            )
        ).first()
    assert stored is not None
    body = _as(client, "chen").get(_assessment(stored.uscc, "?purpose=policy_support")).json()
    assert body["points"]["score"] == stored.innovation_points
    indicators = body["points"]["indicators"]
    assert {i["unit"] for i in indicators} == {"money", "ratio", "count"}
    assert sum(row[1] for row in body["points"]["cohort_scores"]) == body["points"]["ranked"]


def test_an_institution_reads_only_within_a_grant_for_the_purpose_it_names(
    world: AssessedWorld, client: TestClient
) -> None:
    _as(client, "wang")
    missing = client.get(_assessment(world.bank_code))
    assert missing.status_code == 422
    assert missing.json()["field"] == "purpose"
    assert client.get(_assessment(world.bank_code, "?purpose=credit_assessment")).status_code == 200
    for refused in (
        _assessment(world.bank_code, "?purpose=investment_due_diligence"),
        _assessment(world.other_code, "?purpose=credit_assessment"),
    ):
        answer = client.get(refused, headers={"accept-language": "en"})
        assert answer.status_code == 403
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["type"] == "/problems/consent-required"
        assert "assessment results" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("query", "status"),
    [("?on=2026-13-01", 422), ("?purpose=curiosity", 422), ("?advice=maybe", 422)],
)
def test_bad_input_is_refused_with_the_field_named(
    world: AssessedWorld, client: TestClient, query: str, status: int
) -> None:
    answer = _as(client, "lin").get(_assessment(world.own_code, query))
    assert answer.status_code == status
    assert answer.json()["errors"]


def test_an_unknown_enterprise_is_not_found(client: TestClient) -> None:
    _as(client, "lin")
    unknown = client.get(_assessment(credit_code(8_888_888)))
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    assert client.get(_assessment("not-a-credit-code")).status_code == 422


def test_api_tokens_need_the_consent_read_scope(world: AssessedWorld, client: TestClient) -> None:
    url = _assessment(world.bank_code, "?purpose=credit_assessment")
    allowed = bearer(world.platform, world.users["wang"], TokenScope.CONSENT_READ)
    other = bearer(world.platform, world.users["wang"], TokenScope.REGISTRY_READ)
    assert client.get(url, headers=allowed).status_code == 200
    assert client.get(url, headers=other).status_code == 403


# --- the region over the API --------------------------------------------------------------------


def test_the_region_view_is_for_analysts_and_platform_admins(
    world: AssessedWorld, client: TestClient
) -> None:
    for login in ("chen", "admin"):
        body = _as(client, login).get("/api/v1/assessment/region").json()
        assert body["run"]["id"] == world.run.id
        assert {ref["code"] for ref in body["standards"]} == set(world.run.rule_versions)
        for code in world.run.rule_versions:
            cells = [cell for cell in body["cells"] if cell["standard"] == code]
            assert sum(cell["total"] for cell in cells) == world.run.enterprises
            assert all(sum(cell["counts"].values()) == cell["total"] for cell in cells)
    for login in ("lin", "wang", "sun"):
        assert _as(client, login).get("/api/v1/assessment/region").status_code == 403
    token = bearer(world.platform, world.users["chen"], TokenScope.REGISTRY_READ)
    assert client.get("/api/v1/assessment/region", headers=token).status_code == 200


def test_a_drill_down_lists_only_the_firms_that_share_with_the_reader(
    world: AssessedWorld, client: TestClient
) -> None:
    standard = next(iter(world.run.rule_versions))
    url = f"/api/v1/assessment/region/enterprises?standard={standard}"
    _as(client, "chen")
    shared = client.get(f"{url}&cluster={SHARED_CLUSTER.value}&size=200").json()
    assert shared["total"] == shared["shared"] == len(world.shared_codes)
    assert {item["uscc"] for item in shared["items"]} == set(world.shared_codes)
    everyone = client.get(f"{url}&size=7").json()
    assert everyone["total"] == world.run.enterprises
    assert everyone["shared"] == len(world.shared_codes)
    assert everyone["pages"] == -(-len(world.shared_codes) // 7)
    assert len(everyone["items"]) == 7
    admin = _as(client, "admin").get(url).json()
    assert (admin["total"], admin["shared"], admin["items"]) == (world.run.enterprises, 0, [])


@pytest.mark.parametrize(
    "query",
    ["", "?standard=no_such_standard", "?standard=hnte&status=great", "?standard=hnte&stage=old"],
)
def test_a_drill_down_refuses_a_bad_cell(client: TestClient, query: str) -> None:
    answer = _as(client, "chen").get(f"/api/v1/assessment/region/enterprises{query}")
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")


def test_the_latest_run_names_its_versions(world: AssessedWorld, client: TestClient) -> None:
    body = _as(client, "wang").get("/api/v1/assessment/runs/latest").json()
    assert body["id"] == world.run.id
    assert body["rule_versions"] == world.run.rule_versions
    assert body["enterprises"] == world.run.enterprises


# --- pages --------------------------------------------------------------------------------------


def test_the_assessment_page_shows_verdicts_criteria_and_the_languages(
    world: AssessedWorld, client: TestClient
) -> None:
    own = _as(client, "lin").get(f"/enterprises/{world.own_code}/assessment", headers=HTML)
    assert own.status_code == 200
    body = client.get(_assessment(world.own_code)).json()
    for standard in body["standards"]:
        assert f'data-standard="{standard["code"]}"' in own.text
        assert escape(standard["name_zh"]) in own.text  # Chinese by default
        assert f'data-criterion="{standard["verdict"]["id"]}"' in own.text
    assert "data-print" in own.text
    assert 'src="/static/print.js"' in own.text
    english = client.get(f"/enterprises/{world.own_code}/assessment?lang=en", headers=HTML)
    assert all(escape(s["name_en"]) in english.text for s in body["standards"])
    assert escape(body["standards"][0]["verdict"]["sentence_en"]) in english.text


def test_the_assessment_page_shows_what_would_meet_an_unmet_standard(
    world: AssessedWorld, client: TestClient
) -> None:
    _as(client, "chen")
    for code in world.shared_codes:
        body = client.get(_assessment(code, "?purpose=policy_support&advice=true")).json()
        planned = [s for s in body["standards"] if s["advice"] and s["advice"]["plans"]]
        if planned:
            break
    else:
        pytest.fail("no firm of the shared cluster misses a standard that a plan can meet")
    page = client.get(f"/enterprises/{code}/assessment?purpose=policy_support", headers=HTML)
    for standard in planned:
        section = page.text.split(f'data-advice="{standard["code"]}"')[1].split("</section>")[0]
        assert section.count("data-plan=") == len(standard["advice"]["plans"])
        for change in standard["advice"]["plans"][0]["changes"]:
            assert escape(change["sentence_zh"]) in section


def test_institution_staff_choose_a_purpose_and_a_refusal_says_a_grant_is_needed(
    world: AssessedWorld, client: TestClient
) -> None:
    _as(client, "chen")
    page = f"/enterprises/{world.shared_codes[0]}/assessment"
    choose = client.get(page, headers=HTML)
    assert choose.status_code == 200
    assert 'id="choose-purpose"' in choose.text
    assert re.search(r'<option value="policy_support"\s+selected>', choose.text)
    assert client.get(f"{page}?purpose=policy_support", headers=HTML).status_code == 200
    refused = client.get(f"{page}?purpose=credit_assessment&lang=en", headers=HTML)
    assert refused.status_code == 403
    assert 'id="refused"' in refused.text
    assert "Assessment results" in refused.text
    other = _as(client, "lin").get(f"/enterprises/{world.other_code}/assessment", headers=HTML)
    assert other.status_code == 403
    assert 'id="refused"' in other.text


def test_the_region_page_links_each_count_to_its_drill_down(
    world: AssessedWorld, client: TestClient
) -> None:
    page = _as(client, "chen").get("/assessment?lang=en", headers=HTML)
    assert page.status_code == 200
    assert 'id="chart-stages"' in page.text
    links = re.findall(r'href="(/assessment/enterprises\?[^"]+)"', page.text)
    assert links
    first = client.get(links[0].replace("&amp;", "&"), headers=HTML)
    assert first.status_code == 200
    assert 'id="shared-note"' in first.text
    code = list(world.run.rule_versions)[-1]
    chosen = client.get(f"/assessment?standard={code}", headers=HTML)
    assert f'<option value="{code}" selected>' in chosen.text
    assert _as(client, "lin").get("/assessment", headers=HTML).status_code == 403


def test_the_drill_down_page_and_its_csv_show_the_shared_rows_and_log_them(
    world: AssessedWorld, client: TestClient
) -> None:
    standard = next(iter(world.run.rule_versions))
    query = f"standard={standard}&cluster={SHARED_CLUSTER.value}"
    page = _as(client, "chen").get(f"/assessment/enterprises?{query}&size=10", headers=HTML)
    assert page.status_code == 200
    assert f'data-shared="{len(world.shared_codes)}"' in page.text
    assert "?purpose=policy_support" in page.text
    export = client.get(f"/assessment/enterprises/export.csv?{query}")
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    assert "attachment" in export.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(export.text.lstrip("\ufeff"))))
    assert {row["uscc"] for row in rows} == set(world.shared_codes)
    assert {row["standard"] for row in rows} == {standard}
    assert {row["evaluated_on"] for row in rows} == {world.run.evaluated_on.isoformat()}
    with world.platform.engine.connect() as conn:
        listed = conn.scalar(select(EnterpriseRow.id).where(EnterpriseRow.uscc == rows[0]["uscc"]))
    log = audit.entries_about(world.platform.uow, SUBJECT, str(listed), PageRequest()).items
    assert any(entry.action == READ and entry.detail.get("listed") for entry in log)
    assert _as(client, "wang").get(f"/assessment/enterprises/export.csv?{query}").status_code == 403


def test_the_enterprise_page_links_to_the_assessment_with_the_readers_purpose(
    world: AssessedWorld, client: TestClient
) -> None:
    anonymous = client.get(f"/enterprises/{world.shared_codes[0]}", headers=HTML)
    assert f'href="/enterprises/{world.shared_codes[0]}/assessment"' in anonymous.text
    analyst = _as(client, "chen").get(f"/enterprises/{world.shared_codes[0]}", headers=HTML)
    assert f"/enterprises/{world.shared_codes[0]}/assessment?purpose=policy_support" in analyst.text
    assert 'href="/assessment"' in analyst.text  # the navigation link


def test_the_navigation_offers_the_region_view_only_to_its_readers(
    world: AssessedWorld, client: TestClient
) -> None:
    assert 'href="/assessment"' not in _as(client, "wang").get("/", headers=HTML).text
    assert 'href="/assessment"' in _as(client, "admin").get("/", headers=HTML).text


def test_the_cohort_chart_marks_the_enterprise(world: AssessedWorld, client: TestClient) -> None:
    page = _as(client, "lin").get(f"/enterprises/{world.own_code}/assessment", headers=HTML)
    points = client.get(_assessment(world.own_code)).json()["points"]
    if points is None:
        assert 'id="no-points"' in page.text
    else:
        assert 'id="chart-cohort"' in page.text
        assert PALETTE[4] in page.text  # the enterprise's bar and line
        assert f'data-kpi="points">{points["score"]}<' in page.text


# --- before the first run -----------------------------------------------------------------------


def test_before_the_first_run_every_view_explains_what_is_missing(platform: Platform) -> None:
    codes = seed_enterprises(platform, 2)
    create_user(platform, "enterprise_admin", "lin")
    create_user(platform, "government_analyst", "chen")
    with TestClient(create_app(platform), raise_server_exceptions=False) as client:
        _as(client, "chen")
        assert client.get("/api/v1/assessment/region").json() == {
            "run": None,
            "standards": [],
            "cells": [],
        }
        assert client.get("/api/v1/assessment/runs/latest").status_code == 404
        drill = client.get("/api/v1/assessment/region/enterprises?standard=hnte")
        assert drill.status_code == 404
        assert drill.json()["type"] == "/problems/no-assessment-run"
        for page in ("/assessment", "/assessment/enterprises?standard=hnte"):
            answer = client.get(page, headers=HTML)
            assert answer.status_code == 200
            assert 'id="no-run"' in answer.text
        assert client.get("/assessment/enterprises/export.csv?standard=hnte").status_code == 404
        _as(client, "lin")
        own = client.get(f"/enterprises/{codes[0]}/assessment", headers=HTML)
        assert own.status_code == 200
        assert 'id="no-run"' in own.text
        body = client.get(_assessment(codes[0])).json()
        assert body["points"] is None
        assert body["run_id"] is None
        assert body["standards"]
