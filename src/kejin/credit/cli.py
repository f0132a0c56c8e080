"""Commands of the credit model: `kejin credit train | report | score`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import click
import polars as pl

from kejin.bootstrap import bootstrap
from kejin.config import load_settings
from kejin.core.errors import KejinError
from kejin.credit import service
from kejin.credit import stability as stability_runs
from kejin.credit.data import read_table
from kejin.credit.model import DEFAULT_SEED, Challenger, TrainingConfig, Trend
from kejin.credit.monitoring import Monitoring, quarter_ends, stability

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group("credit")
def credit() -> None:
    """Credit scorecards (信用评分卡): train, report, score."""


@credit.command("train")
@click.argument("data", type=_FILE, required=False)
@click.option("--table", help="Train on this table or view of the database instead of DATA.")
@click.option(
    "--database-url",
    help="The database holding --table; default the platform's (KEJIN_DATABASE_URL).",
)
@click.option("--target", required=True, help="Column holding the outcome.")
@click.option("--event", help="The target's value for the event (bad); default 1.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("model"))
@click.option(
    "--trend", type=click.Choice([t.value for t in Trend]), default=Trend.AUTO_ASC_DESC.value
)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True)
@click.option(
    "--trend-of",
    "trend_of",
    multiple=True,
    metavar="FEATURE=TREND",
    help="A feature's own monotonic trend (repeatable).",
)
@click.option(
    "--special",
    multiple=True,
    metavar="FEATURE=CODE",
    help="A numeric code of a feature that gets a bin of its own (repeatable).",
)
@click.option(
    "--folds",
    type=click.IntRange(min=2),
    help="Also cross-validate in this many folds of the non-test rows.",
)
@click.option(
    "--challenger",
    type=click.Choice([c.value for c in Challenger]),
    help="Fit a challenger model on the same rows and compare it in the card.",
)
def train_command(  # noqa: PLR0917 — click passes the options by name
    data: Path | None,
    table: str | None,
    database_url: str | None,
    target: str,
    event: str | None,
    out: Path,
    trend: str,
    seed: int,
    trend_of: tuple[str, ...],
    special: tuple[str, ...],
    folds: int | None,
    challenger: str | None,
) -> None:
    """Train a monotonic scorecard on DATA (CSV or Parquet) or on a database --table, and
    write a model directory."""
    if (data is None) == (table is None):
        raise click.UsageError("give either a DATA file or --table")
    if database_url is not None and table is None:
        raise click.UsageError("--database-url goes with --table")
    codes: dict[str, tuple[float, ...]] = {}
    for name, code in _pairs(special, "--special"):
        codes[name] = (*codes.get(name, ()), _number(code))
    config = TrainingConfig(
        target=target,
        event=event,
        trend=Trend(trend),
        trends={name: _trend(value) for name, value in _pairs(trend_of, "--trend-of")},
        special_codes=codes,
        seed=seed,
        folds=folds,
        challenger=None if challenger is None else Challenger(challenger),
    )
    try:
        if data is not None:
            trained = service.train(data, config, out)
        else:
            trained = _train_from_table(table or "", database_url, config, out)
    except KejinError as exc:
        raise click.ClickException(str(exc)) from exc
    _echo_trained(trained)


def _train_from_table(
    table: str, database_url: str | None, config: TrainingConfig, out: Path
) -> service.Trained:
    settings = load_settings()
    if database_url is not None:
        settings = dataclasses.replace(settings, database_url=database_url)
    platform = bootstrap(settings)
    try:
        return service.train_from_table(platform, table, config, out)
    finally:
        platform.dispose()


def _echo_trained(trained: service.Trained) -> None:
    card = trained.card
    test = card["splits"]["test"]
    click.echo(
        f"scorecard {card['version']} with {len(card['features'])} features "
        f"in {trained.directory}: test AUC {test['auc']:.3f}, KS {test['ks']:.3f}, "
        f"Gini {test['gini']:.3f}"
    )
    if "cross_validation" in card:
        summary = card["cross_validation"]["summary"]
        click.echo(
            f"{card['cross_validation']['folds']}-fold cross-validation: "
            + ", ".join(
                f"{label} {summary[m]['mean']:.3f} ± {summary[m]['sd']:.3f}"
                for m, label in (("auc", "AUC"), ("ks", "KS"), ("gini", "Gini"))
            )
        )
    if "challenger" in card:
        rival = card["challenger"]
        click.echo(
            f"challenger {rival['model']}: test AUC {rival['test']['auc']:.3f} "
            f"({rival['difference']['auc']:+.3f} against the scorecard)"
        )


def _pairs(values: tuple[str, ...], option: str) -> list[tuple[str, str]]:
    pairs = [value.partition("=") for value in values]
    if any(not name or not sep or not text for name, sep, text in pairs):
        raise click.BadParameter("expected FEATURE=VALUE", param_hint=option)
    return [(name, text) for name, _, text in pairs]


def _trend(value: str) -> Trend:
    try:
        return Trend(value)
    except ValueError:
        raise click.BadParameter(f"unknown trend {value}", param_hint="--trend-of") from None


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise click.BadParameter(f"not a number: {value}", param_hint="--special") from None


@credit.command("report")
@click.argument("model", type=click.Path(exists=True, path_type=Path))
def report_command(model: Path) -> None:
    """Print the model card of MODEL (a model directory) as Markdown."""
    try:
        click.echo(service.report(model), nl=False)
    except KejinError as exc:
        raise click.ClickException(str(exc)) from exc


@credit.command("score")
@click.argument("model", type=click.Path(exists=True, path_type=Path))
@click.argument("data", type=_FILE)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="CSV to write.")
def score_command(model: Path, data: Path, out: Path | None) -> None:
    """Score DATA with MODEL; write the rows with `score` and `pd` (CSV) or print them."""
    try:
        scored = service.score(model, data)
    except KejinError as exc:
        raise click.ClickException(str(exc)) from exc
    if out is None:
        click.echo(scored.write_csv(), nl=False)
    else:
        scored.write_csv(out)
        click.echo(f"{scored.height:,} rows scored into {out}")


@credit.command("compare")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("compare"))
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True)
def compare_command(out: Path, seed: int) -> None:
    """Financial-only against tech-aware scorecard on the stored demo region's loans."""
    platform = bootstrap()
    try:
        result = service.compare_on_region(platform, out, seed)
    except KejinError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        platform.dispose()
    for name, model in result["models"].items():
        m = model["holdout"]["all"]
        click.echo(f"{name}: hold-out AUC {m['auc']:.3f}, KS {m['ks']:.3f}, Gini {m['gini']:.3f}")
    click.echo(f"report in {out / 'comparison.md'}")


@credit.command("monitor")
@click.argument(
    "model", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.argument("data", required=False, type=_FILE)
@click.option("--period", help="A date column: the score PSI of each quarter too.")
@click.option(
    "--registry",
    is_flag=True,
    help="Monitor the model in service on the registry's enterprises and store the run.",
)
@click.option(
    "--on", "on", type=click.DateTime(["%Y-%m-%d"]), help="With --registry: the day (today)."
)
@click.option(
    "--quarters",
    type=click.IntRange(1, 40),
    help="With --registry: one run on each of the last N quarter ends up to the day.",
)
def monitor_command(  # noqa: PLR0917 — click passes the options by name
    model: Path | None,
    data: Path | None,
    period: str | None,
    registry: bool,
    on: dt.datetime | None,
    quarters: int | None,
) -> None:
    """Population stability of DATA against MODEL's training data, or with --registry of the
    registry's enterprises against the model in service (PSI: < 0.1 stable, 0.1-0.25 shift,
    >= 0.25 significant)."""
    if registry:
        if model is not None or period is not None:
            raise click.UsageError("--registry takes no MODEL, DATA or --period")
        _monitor_registry(on.date() if on else None, quarters)
        return
    if model is None or data is None:
        raise click.UsageError("give MODEL and DATA, or --registry")
    if on is not None or quarters is not None:
        raise click.UsageError("--on and --quarters go with --registry")
    try:
        frame = read_table(data)
        if period is not None:
            column = pl.col(period)
            text = frame.schema.get(period) == pl.String
            frame = frame.with_columns(column.str.to_date() if text else column.cast(pl.Date))
        result = service.monitor(model, frame, period)
    except (KejinError, pl.exceptions.PolarsError) as exc:
        raise click.ClickException(str(exc)) from exc
    _print_monitoring(result)
    for label, rows, value in result.periods:
        click.echo(f"{label:<10} {rows:>8,} {value:>8.4f}  {stability(value)}")


def _monitor_registry(on: dt.date | None, quarters: int | None) -> None:
    day = on or dt.datetime.now(dt.UTC).date()
    days = quarter_ends(day, quarters) if quarters else (day,)
    platform = bootstrap()
    try:
        runs = stability_runs.monitor_registry(
            platform.uow, Path(platform.settings.data_dir), days, started_by="cli"
        )
    except KejinError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        platform.dispose()
    for run in runs:
        click.echo(f"run {run.id}: model {run.model_version}, registry on {run.as_of}")
        _print_monitoring(run.result)


def _print_monitoring(result: Monitoring) -> None:
    click.echo(
        f"{result.rows:,} rows; score PSI {result.score_psi:.4f} ({stability(result.score_psi)})"
    )
    click.echo(f"{'feature':<28} {'PSI':>8}  band")
    for feature in result.features:
        click.echo(f"{feature.name:<28} {feature.psi:>8.4f}  {feature.band}")


commands = [credit]
