"""`kejin products import|export` against the test database: an import needs the providers'
institutions, loads the shipped catalogue once, and an export loads back unchanged."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from kejin.bootstrap import Platform
from kejin.cli import main
from kejin.identity import demo as accounts
from kejin.products.loader import load_catalogue


@pytest.fixture
def runner(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    url = platform.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("KEJIN_DATABASE_URL", url)
    monkeypatch.setenv("KEJIN_DATA_DIR", str(platform.settings.data_dir))
    return CliRunner()


def test_an_import_needs_the_institutions_then_loads_once_and_exports_back(
    runner: CliRunner, platform: Platform, tmp_path: Path
) -> None:
    refused = runner.invoke(main, ["products", "import"])
    assert refused.exit_code != 0
    assert "no institution named 湾区科技银行" in refused.output
    shipped = load_catalogue()
    accounts.ensure_institutions(
        platform.uow, {spec.name.zh: spec.kind for spec in shipped.providers.values()}
    )
    first = runner.invoke(main, ["products", "import"])
    assert first.exit_code == 0, first.output
    assert "63 new, 0 changed, 0 unchanged (catalogue revision 1)" in first.output
    again = runner.invoke(main, ["products", "import"])
    assert "0 new, 0 changed, 63 unchanged (catalogue revision 1)" in again.output
    exported = runner.invoke(main, ["products", "export", str(tmp_path / "out")])
    assert exported.exit_code == 0, exported.output
    assert load_catalogue(tmp_path / "out").providers == shipped.providers
    reimported = runner.invoke(main, ["products", "import", str(tmp_path / "out")])
    assert "0 new, 0 changed, 63 unchanged" in reimported.output
