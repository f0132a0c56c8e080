"""`kejin docs brief EXTERNAL_ID [--json]`: a stored document's brief as readable text with [n]
citations and a numbered source list, or as JSON (the API's structure). Registered on the
`docs` group by `kejin.cli`."""

from __future__ import annotations

import click

from kejin.bootstrap import bootstrap
from kejin.briefs import service
from kejin.briefs.schemas import BriefRead, BulletRead
from kejin.core.errors import KejinError

THEME_TITLES = {
    "trends": "Trends",
    "challenges": "Challenges",
    "measures": "Proposed measures",
    "scope": "Who it applies to",
    "obligations": "Obligations",
    "support": "Support measures",
    "penalties": "Penalties",
}


@click.command("brief")
@click.argument("external_id")
@click.option("--json", "as_json", is_flag=True, help="Print the brief as JSON.")
def brief(external_id: str, as_json: bool) -> None:
    """Print the brief of the stored document EXTERNAL_ID: key points, themed sections and
    figures, each citing its paragraph."""
    platform = bootstrap()
    try:
        found = service.brief_read(platform.uow, external_id)
    except KejinError as error:
        raise click.ClickException(str(error)) from error
    finally:
        platform.dispose()
    if as_json:
        click.echo(found.model_dump_json(indent=2))
    else:
        click.echo(as_text(found))


def as_text(found: BriefRead) -> str:
    """Markdown-like text: title, core insights, sections, figures, then the sources."""
    document = found.document
    lines = [f"# {document.title}", "", f"{document.external_id} · {document.kind}", ""]
    lines += ["## Core insights", *(_bullet(b) for b in found.key_points), ""]
    for section in found.sections:
        lines += [f"## {THEME_TITLES[section.theme.value]}", *(_bullet(b) for b in section.bullets)]
        lines.append("")
    if found.figures:
        lines.append("## Figures")
        lines += [
            f"- {f.kind.value}: {f.text} = {f.value} (¶{f.citation.position}"
            + (f", ×{f.mentions})" if f.mentions > 1 else ")")
            for f in found.figures
        ]
        lines.append("")
    lines.append("## Sources")
    lines += [f"[{c.source}] {c.external_id}, ¶{c.position}" for c in found.sources]
    lines += ["", f"brief {found.version}, cues {found.cues_version}"]
    return "\n".join(lines)


def _bullet(bullet: BulletRead) -> str:
    ellipsis = " …" if bullet.trimmed else ""
    return f"- {bullet.text}{ellipsis} [{bullet.citation.source}]"
