"""The `kejin audit` commands against the test database: verify, anchor and tail."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, update

from kejin.audit import service
from kejin.audit.repository import ENTRIES
from kejin.bootstrap import Platform
from kejin.cli import main
from tests.tampering import tampering


@pytest.fixture
def runner(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("KEJIN_DATABASE_URL", platform.engine.url.render_as_string(False))
    monkeypatch.setenv("KEJIN_DATA_DIR", str(platform.settings.data_dir))
    with platform.uow() as work:
        for number in range(1, 5):
            service.record(
                work.session,
                actor="system:test",
                action="consent.grant",
                subject_type="enterprise",
                subject_id=str(number),
                purpose="贷前调查",
            )
        work.commit()
    return CliRunner()


def test_verify_exits_zero_on_an_intact_chain(runner: CliRunner) -> None:
    result = runner.invoke(main, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "chain intact: 4 entries checked" in result.output


def test_verify_exits_one_naming_the_first_edited_entry(
    runner: CliRunner, platform: Platform
) -> None:
    with tampering(platform) as conn:
        conn.execute(update(ENTRIES).where(ENTRIES.c.seq == 2).values(purpose="other"))
    result = runner.invoke(main, ["audit", "verify"])
    assert result.exit_code == 1
    assert "chain broken at entry 2" in result.output
    assert "edited" in result.output


def test_an_anchor_catches_the_newest_entry_being_cut_off(
    runner: CliRunner, platform: Platform, tmp_path: Path
) -> None:
    anchor_file = tmp_path / "audit.anchor"
    assert runner.invoke(main, ["audit", "anchor", str(anchor_file)]).exit_code == 0
    assert runner.invoke(main, ["audit", "verify", "--anchor", str(anchor_file)]).exit_code == 0
    with tampering(platform) as conn:
        conn.execute(delete(ENTRIES).where(ENTRIES.c.seq == 4))
    assert runner.invoke(main, ["audit", "verify"]).exit_code == 0
    result = runner.invoke(main, ["audit", "verify", "--anchor", str(anchor_file)])
    assert result.exit_code == 1
    assert "chain broken at entry 4" in result.output


def test_tail_shows_the_newest_entries_oldest_first(runner: CliRunner) -> None:
    result = runner.invoke(main, ["audit", "tail", "-n", "2"])
    assert result.exit_code == 0, result.output
    assert "enterprise:3" in result.output
    assert "enterprise:4" in result.output
    assert "enterprise:2" not in result.output
