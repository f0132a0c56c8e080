"""Search commands, registered on the `kejin docs` group by `kejin.cli`:
`kejin docs search QUERY [filters] [--json]` and `kejin docs reindex`."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime

import click
from rich.console import Console
from rich.markup import escape

from kejin.bootstrap import bootstrap
from kejin.core.errors import KejinError
from kejin.core.progress import progress_bars
from kejin.documents.model import DocumentKind
from kejin.search import service
from kejin.search.index import STEP_SEGMENT
from kejin.search.model import PageSpec, SearchFilters, SearchPage

_console = Console()
STEP_LABELS = {STEP_SEGMENT: "segmenting paragraphs"}


def _date(value: datetime | None) -> date | None:
    return value.date() if value else None


@click.command("search")
@click.argument("query")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="yyyy-mm-dd")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="yyyy-mm-dd")
@click.option("--issuer", help="The issuer, exactly.")
@click.option("--region", help="A region and those under it, e.g. 广东省.")
@click.option("--kind", type=click.Choice([kind.value for kind in DocumentKind]))
@click.option("--language", help="zh or en.")
@click.option("--page", default=1, show_default=True)
@click.option("--per-page", default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the results page as JSON.")
def search(  # noqa: PLR0917 — click passes the options by name
    query: str,
    date_from: datetime | None,
    date_to: datetime | None,
    issuer: str | None,
    region: str | None,
    kind: str | None,
    language: str | None,
    page: int,
    per_page: int,
    as_json: bool,
) -> None:
    """Search the document library's paragraphs: words (all must match), "a phrase",
    a OR b, -excluded."""
    platform = bootstrap()
    try:
        platform.migrate()
        filters = SearchFilters(
            _date(date_from),
            _date(date_to),
            issuer,
            region,
            DocumentKind(kind) if kind else None,
            language,
        )
        result = service.search(platform, query, filters, PageSpec(page, per_page))
    except KejinError as error:
        raise click.ClickException(str(error)) from error
    finally:
        platform.dispose()
    if as_json:
        click.echo(json.dumps(asdict(result) | {"pages": result.pages}, ensure_ascii=False))
    else:
        _print(result)


@click.command("reindex")
def reindex() -> None:
    """Rebuild the search index from the stored documents."""
    platform = bootstrap()
    try:
        platform.migrate()
        with progress_bars(_console, STEP_LABELS, transient=True) as progress:
            report = service.rebuild(platform, progress)
    finally:
        platform.dispose()
    _console.print(
        f"{report.added:,} documents indexed ({report.paragraphs:,} paragraphs); "
        f"{report.seconds:.1f} s"
    )


def _print(result: SearchPage) -> None:
    _console.print(f"{result.total:,} paragraphs; page {result.page} of {result.pages}")
    for hit in result.hits:
        marked = "".join(
            f"[bold red]{escape(text)}[/]" if highlighted else escape(text)
            for text, highlighted in hit.snippet.fragments()
        )
        _console.print(
            f"\n[bold]{escape(hit.title)}[/] [dim]\\[{hit.external_id}, {hit.position}] "
            f"{escape(hit.issuer or '')} {hit.date_text or ''}[/]\n{marked}"
        )


commands: list[click.Command] = [search, reindex]
