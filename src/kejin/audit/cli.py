"""Commands of the audit package, registered on the `kejin` group by `kejin.cli`:
`kejin audit verify [--anchor FILE] | anchor FILE | tail [-n 20]`."""

from __future__ import annotations

import time
from pathlib import Path

import click

from kejin.audit import service
from kejin.audit.model import Anchor, canonical_json, canonical_timestamp
from kejin.bootstrap import bootstrap


@click.group("audit")
def audit() -> None:
    """The tamper-evident audit log: verify the chain, anchor its head, show the newest entries."""


@audit.command("verify")
@click.option(
    "--anchor",
    "anchor_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="An anchor file written earlier by `kejin audit anchor`; its entry must be unchanged.",
)
def verify(anchor_file: Path | None) -> None:
    """Walk the whole chain; exit 0 when intact, 1 naming the first bad entry and why."""
    kept = Anchor.from_text(anchor_file.read_text(encoding="utf-8")) if anchor_file else None
    platform = bootstrap()
    started = time.perf_counter()
    try:
        report = service.verify(platform.uow, kept)
    finally:
        platform.dispose()
    seconds = time.perf_counter() - started
    if report.ok:
        click.echo(
            f"chain intact: {report.checked:,} entries checked in {seconds:.1f} s; "
            f"head seq {report.head_seq}, hash {report.head_hash}"
        )
        return
    click.echo(
        f"chain broken at entry {report.first_bad_seq}: {report.reason}\n"
        f"{report.checked:,} entries before it are intact (last good seq {report.head_seq})"
    )
    raise SystemExit(1)


@audit.command("anchor")
@click.argument("anchor_file", type=click.Path(dir_okay=False, path_type=Path))
def anchor(anchor_file: Path) -> None:
    """Write the current head (seq and hash) to ANCHOR_FILE; keep it outside the database."""
    platform = bootstrap()
    try:
        head = service.anchor(platform.uow)
    finally:
        platform.dispose()
    if head is None:
        raise click.ClickException("the audit log is empty: nothing to anchor")
    anchor_file.write_text(head.to_text(), encoding="utf-8")
    click.echo(f"anchored entry {head.seq}, hash {head.entry_hash} → {anchor_file}")


@audit.command("tail")
@click.option("-n", "count", default=20, show_default=True, type=click.IntRange(1, 10_000))
def tail(count: int) -> None:
    """Show the newest entries, oldest first, one tab-separated line each: seq, time (UTC),
    actor, action, subject, purpose, detail."""
    platform = bootstrap()
    try:
        entries = service.tail(platform.uow, count)
    finally:
        platform.dispose()
    for entry in entries:
        fields = (
            str(entry.seq),
            canonical_timestamp(entry.recorded_at),
            entry.actor,
            entry.action,
            f"{entry.subject_type}:{entry.subject_id}",
            entry.purpose or "-",
            canonical_json(dict(entry.detail)),
        )
        click.echo("\t".join(fields))


commands: list[click.Command] = [audit]
