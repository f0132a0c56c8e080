"""Commands of the documents package, registered on the `kejin` group by `kejin.cli`:
`kejin docs load-guides | load-corpus [DIR] | load-seed [DIR] | add FILE | list`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from kejin.bootstrap import Platform, bootstrap
from kejin.core.errors import InvalidInput, KejinError
from kejin.core.progress import ProgressCallback, progress_bars
from kejin.documents import service
from kejin.documents.model import DocumentKind, LoadStep
from kejin.documents.service import LoadReport

_console = Console()
STEP_LABELS: dict[str, str] = {
    LoadStep.READ: "reading files",
    LoadStep.PREPARE: "preparing documents",
    LoadStep.STORE: "storing",
}


@click.group("docs")
def docs() -> None:
    """Document library: guides, policy documents and reports, kept paragraph by paragraph."""


@docs.command("load-guides")
def load_guides() -> None:
    """Store the built-in plain-language guides (Chinese and English)."""
    _run(service.load_guides)


@docs.command("load-corpus")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def load_corpus(directory: Path | None) -> None:
    """Store the real policy corpus, read in place from DIRECTORY
    (default: <shared dir>/data/corpus)."""
    _run(
        lambda platform, progress: service.load_corpus(
            platform, directory or _shared_path(platform, "corpus"), progress
        )
    )


@docs.command("load-seed")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def load_seed(directory: Path | None) -> None:
    """Store the news of the saved search page(s) in DIRECTORY
    (default: <shared dir>/data/seed)."""
    _run(
        lambda platform, progress: service.load_search_pages(
            platform, directory or _shared_path(platform, "seed"), progress
        )
    )


@docs.command("add")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--id", "external_id", help="External id (default: the file name without suffix).")
@click.option("--title", help="Title (required unless the file's front-matter has one).")
@click.option("--issuer")
@click.option("--doc-no")
@click.option("--date", help="yyyy or yyyy-mm-dd.")
@click.option("--region", help="e.g. 全国, 广东省, 广东省深圳市.")
@click.option("--language", help="zh (default) or en.")
@click.option("--kind", type=click.Choice([kind.value for kind in DocumentKind]))
@click.option("--tags", help="Comma-separated tags.")
def add(file: Path, external_id: str | None, tags: str | None, **fields: Any) -> None:
    """Store the document(s) of a .jsonl, .md or .txt FILE; options set the metadata of a
    single .md/.txt document."""
    overrides = dict(fields, id=external_id)
    if tags:
        overrides["tags"] = [tag.strip() for tag in tags.split(",") if tag.strip()]
    _run(lambda platform, progress: service.add_file(platform, file, overrides, progress))


@docs.command("list")
def list_documents() -> None:
    """Count stored documents and paragraphs by kind and language."""
    platform = bootstrap()
    try:
        counts = service.document_counts(platform)
    finally:
        platform.dispose()
    table = Table("kind", "language", "documents", "paragraphs")
    for row in counts:
        table.add_row(row.kind, row.language, f"{row.documents:,}", f"{row.paragraphs:,}")
    table.add_row(
        "total",
        "",
        f"{sum(r.documents for r in counts):,}",
        f"{sum(r.paragraphs for r in counts):,}",
    )
    _console.print(table)


commands: list[click.Command] = [docs]


Load = Callable[[Platform, ProgressCallback], LoadReport]


def _run(load: Load) -> None:
    platform = bootstrap()
    try:
        platform.migrate()
        with progress_bars(_console, STEP_LABELS, transient=True) as progress:
            report = load(platform, progress)
    except KejinError as error:
        raise click.ClickException(_describe(error)) from error
    finally:
        platform.dispose()
    outcome = report.outcome
    _console.print(
        f"{outcome.added:,} documents added ({outcome.paragraphs:,} paragraphs, "
        f"{outcome.characters:,} characters), {outcome.skipped_existing:,} already present, "
        f"{outcome.skipped_duplicates:,} repeated in the input; {report.seconds:.1f} s"
    )


def _describe(error: KejinError) -> str:
    lines = [str(error)]
    if isinstance(error, InvalidInput):
        for problem in error.problems[:20]:
            where = f"line {problem.row}: " if problem.row is not None else ""
            reason = problem.reason.format(**problem.params)
            lines.append(f"  {where}{problem.field} {reason}")
        if len(error.problems) > 20:
            lines.append(f"  … and {len(error.problems) - 20} more")
    return "\n".join(lines)


def _shared_path(platform: Platform, folder: str) -> Path:
    if platform.settings.shared_dir is None:
        raise click.ClickException(
            "No shared directory found: give DIRECTORY or set KEJIN_SHARED_DIR"
        )
    return platform.settings.shared_dir / "data" / folder
