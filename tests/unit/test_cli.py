"""The `kejin` command refuses an insecure production configuration with one clear line."""

import pytest

from kejin.cli import run


def test_production_without_a_secret_key_stops_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    monkeypatch.setenv("KEJIN_ENV", "production")
    monkeypatch.delenv("KEJIN_SECRET_KEY", raising=False)
    monkeypatch.setenv("KEJIN_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("sys.argv", ["kejin", "serve"])
    with pytest.raises(SystemExit) as stopped:
        run()
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("kejin: KEJIN_SECRET_KEY must be set")
    assert "Traceback" not in error
