"""Importing enterprise files end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from kejin.bootstrap import Platform
from kejin.registry import imports
from kejin.registry.cli import import_group
from kejin.registry.imports import import_enterprises

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def _rows(platform: Platform, sql: str) -> list[tuple[Any, ...]]:
    with platform.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql)).all()]


def _snapshot(platform: Platform) -> list[tuple[Any, ...]]:
    return _rows(platform, "SELECT uscc, record_hash, version FROM enterprises ORDER BY uscc")


def test_import_stores_every_good_record_with_inherited_provenance(platform: Platform) -> None:
    report = import_enterprises(platform.uow(), EXAMPLES / "enterprises.jsonl")
    assert (report.inserted, report.updated, report.unchanged, report.rejected) == (4, 0, 0, 0)
    assert _rows(platform, "SELECT count(*) FROM financial_years") == [(5,)]
    sources = dict(_rows(platform, "SELECT number, source FROM ip_assets"))
    assert sources["ZL202010345678.9"] == "cnipa"
    assert sources["2022SR0456789"] == "enterprise_filing"
    amounts = _rows(
        platform,
        "SELECT revenue, rd_domestic_share FROM financial_years WHERE year = 2024 ORDER BY revenue",
    )
    assert (86_000_000, 10_000) in amounts
    assert (1_296_000_050, 10_000) in amounts


def test_reimporting_the_same_file_changes_nothing(platform: Platform) -> None:
    import_enterprises(platform.uow(), EXAMPLES / "enterprises.jsonl")
    before = _snapshot(platform)
    report = import_enterprises(platform.uow(), EXAMPLES / "enterprises.jsonl")
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 4)
    assert _snapshot(platform) == before


@pytest.mark.parametrize("flat", ["csv", "enterprises.xlsx"])
def test_csv_and_xlsx_sources_equal_the_json_lines_file(platform: Platform, flat: str) -> None:
    import_enterprises(platform.uow(), EXAMPLES / flat)
    report = import_enterprises(platform.uow(), EXAMPLES / "enterprises.jsonl")
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 4)


def test_a_changed_record_is_updated_and_its_children_replaced(
    platform: Platform, tmp_path: Path
) -> None:
    import_enterprises(platform.uow(), EXAMPLES / "enterprises.jsonl")
    lines = (EXAMPLES / "enterprises.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record["staff_years"] = record["staff_years"][-1:]
    changed = tmp_path / "changed.jsonl"
    changed.write_text("\n".join([json.dumps(record), *lines[1:]]), encoding="utf-8")
    report = import_enterprises(platform.uow(), changed)
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 3)
    assert _rows(
        platform,
        "SELECT e.version, count(s.id) FROM enterprises e JOIN staff_years s "
        f"ON s.enterprise_id = e.id WHERE e.uscc = '{record['uscc']}' "
        "GROUP BY e.version",
    ) == [(2, 1)]


def test_bad_rows_are_reported_and_good_rows_stored(platform: Platform) -> None:
    report = import_enterprises(platform.uow(), EXAMPLES / "enterprises-with-errors.jsonl")
    assert (report.inserted, report.rejected) == (1, 6)
    located = {(problem.row, problem.field) for problem in report.problems}
    assert {
        (1, "uscc"),
        (2, "staff_years[0].rd"),
        (3, "financial_years[0].revenue"),
        (6, "uscc"),
        (7, "record"),
    } <= located


def test_chunks_prepared_by_worker_processes_report_what_one_chunk_reports(
    platform: Platform, tmp_path: Path
) -> None:
    lines = (EXAMPLES / "enterprises-with-errors.jsonl").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "spaced.jsonl"
    path.write_text("\n".join([lines[0], "", *lines[1:], lines[4]]) + "\n", encoding="utf-8")
    whole = import_enterprises(platform.uow(), path, workers=0)
    chunked = import_enterprises(platform.uow(), path, chunk_size=2, workers=2)
    assert (whole.inserted, whole.rejected) == (1, 7)
    assert (chunked.unchanged, chunked.rejected) == (1, 7)
    assert chunked.problems == whole.problems
    duplicates = [problem.params for problem in whole.problems if problem.row in (7, 9)]
    assert [params["first"] for params in duplicates] == [6, 6]


def test_a_failure_mid_import_leaves_the_database_as_before(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real_upsert = imports.upsert_frames

    def failing_upsert(conn: Any, frames: Any, hashes: Any) -> Any:
        calls.append(real_upsert(conn, frames, hashes))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return calls[-1]

    monkeypatch.setattr(imports, "upsert_frames", failing_upsert)
    with pytest.raises(RuntimeError, match="disk full"):
        import_enterprises(platform.uow(), EXAMPLES / "enterprises.jsonl", chunk_size=2)
    assert calls[0].inserted == 2
    assert _rows(platform, "SELECT count(*) FROM enterprises") == [(0,)]
    assert _rows(platform, "SELECT count(*) FROM staff_years") == [(0,)]


def test_the_command_prints_a_summary_and_exits_1_on_rejected_rows(
    platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KEJIN_DATABASE_URL", platform.settings.database_url)
    monkeypatch.setenv("KEJIN_DATA_DIR", str(platform.settings.data_dir))
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    errors = tmp_path / "problems.json"
    runner = CliRunner()
    bad = EXAMPLES / "enterprises-with-errors.jsonl"
    result = runner.invoke(import_group, ["enterprises", str(bad), "--errors-out", str(errors)])
    assert result.exit_code == 1
    assert "inserted 1, updated 0, unchanged 0, rejected 6" in result.output
    assert json.loads(errors.read_text(encoding="utf-8"))[0]["field"] == "uscc"
    result = runner.invoke(import_group, ["enterprises", str(EXAMPLES / "enterprises.jsonl")])
    assert result.exit_code == 0, result.output
