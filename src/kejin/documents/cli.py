"""Commands of the documents package, registered on the `kejin` group by `kejin.cli`:
`kejin docs load-guides | load-corpus [DIR] | load-seed [DIR] | add FILE… | delete ID | list`."""

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
from kejin.documents.model import DocumentKind, GovernmentLevel, LoadStep
from kejin.documents.service import LoadReport

_console = Console()
CLI_ACTOR = "system:cli"
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
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path)
)
@click.option("--id", "external_id", help="External id (default: the file name without suffix).")
@click.option("--title", help="Title (required unless the file carries one).")
@click.option("--issuer")
@click.option("--doc-no")
@click.option("--date", help="yyyy or yyyy-mm-dd.")
@click.option("--region", help="e.g. 全国, 广东省, 广东省深圳市.")
@click.option(
    "--level",
    type=click.Choice([level.value for level in GovernmentLevel]),
    help="Default: from the region.",
)
@click.option("--language", help="zh (default) or en.")
@click.option("--kind", type=click.Choice([kind.value for kind in DocumentKind]))
@click.option("--tags", help="Comma-separated tags.")
@click.option("--source", help="Where the document comes from (default: the file path).")
@click.option("--encoding", help="Encoding of text files (default: UTF-8).")
def add(
    files: tuple[Path, ...],
    external_id: str | None,
    tags: str | None,
    encoding: str | None,
    **fields: Any,
) -> None:
    """Store the document(s) of each FILE: .txt, .md, .html, .pdf or .docx (one document each)
    or .jsonl (corpus records). Options set the metadata of single-document files, over what
    the file carries. Each file is stored or refused on its own."""
    if external_id and len(files) > 1:
        raise click.UsageError("--id names one document: give one FILE with it")
    overrides = dict(fields, id=external_id)
    if tags:
        overrides["tags"] = [tag.strip() for tag in tags.split(",") if tag.strip()]
    platform = bootstrap()
    try:
        platform.migrate()
        reports, refusals = service.add_files(platform, files, overrides, encoding=encoding)
    finally:
        platform.dispose()
    for report in reports:
        _console.print(f"{', '.join(report.files)}: {_outcome(report)}")
    for refusal in refusals:
        click.echo(_describe(refusal.error), err=True)
    if refusals:
        stored = len(reports)
        raise click.ClickException(f"{len(refusals)} of {stored + len(refusals)} files refused")


@docs.command("delete")
@click.argument("external_id")
def delete(external_id: str) -> None:
    """Delete the document EXTERNAL_ID and its paragraphs (recorded in the deletion log and
    the audit log)."""
    platform = bootstrap()
    try:
        platform.migrate()
        ref = service.delete_document(platform.uow, CLI_ACTOR, external_id)
    except KejinError as error:
        raise click.ClickException(_describe(error)) from error
    finally:
        platform.dispose()
    _console.print(f"Deleted {ref.external_id} ({ref.title}, {ref.paragraphs:,} paragraphs)")


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
    _console.print(_outcome(report))


def _outcome(report: LoadReport) -> str:
    outcome = report.outcome
    return (
        f"{outcome.added:,} documents added ({outcome.paragraphs:,} paragraphs, "
        f"{outcome.characters:,} characters), {outcome.skipped_existing:,} already present, "
        f"{outcome.skipped_duplicates:,} repeated in the input; {report.seconds:.1f} s"
    )


def _describe(error: KejinError) -> str:
    lines = [str(error)]
    # a problem with the file as a whole is already told by the message itself
    file_only = isinstance(error, InvalidInput) and [p.field for p in error.problems] == ["file"]
    if isinstance(error, InvalidInput) and not file_only:
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
