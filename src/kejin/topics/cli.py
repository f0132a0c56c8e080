"""`kejin docs topic …`: save a topic, list and show topics, refresh them and print a digest.
The `topic` group is registered on the `docs` group by `kejin.cli`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import click

from kejin.bootstrap import Platform, bootstrap
from kejin.core.errors import KejinError
from kejin.documents.model import DocumentKind
from kejin.topics import service
from kejin.topics.model import digest_markdown, topic_spec
from kejin.topics.schemas import DigestRead, TopicDetailRead

CLI_ACTOR = "cli"


@contextmanager
def _platform() -> Iterator[Platform]:
    """A migrated platform; a refused request ends the command with its reason."""
    platform = bootstrap()
    try:
        platform.migrate()
        yield platform
    except KejinError as error:
        raise click.ClickException(str(error)) from error
    finally:
        platform.dispose()


@click.group("topic")
def topic() -> None:
    """Topics: saved searches that collect matching documents, and their digests."""


@topic.command("add")
@click.argument("name")
@click.option("--query", "-q", required=True, help='Words, "a phrase", a OR b, -excluded.')
@click.option("--slug", help="The topic's address (default: made from the name).")
@click.option("--from", "date_from", help="Published on or after, yyyy-mm-dd.")
@click.option("--to", "date_to", help="Published on or before, yyyy-mm-dd.")
@click.option("--issuer", help="The issuer, exactly.")
@click.option("--region", help="A region and those under it, e.g. 广东省.")
@click.option("--kind", type=click.Choice([kind.value for kind in DocumentKind]))
@click.option("--language", help="zh or en.")
def add(name: str, query: str, slug: str | None, **filters: str | None) -> None:
    """Save the topic NAME and collect the documents its query finds now."""
    given = {key.removeprefix("date_"): value for key, value in filters.items() if value}
    with _platform() as platform:
        created = service.create_topic(platform, topic_spec(name, query, given, slug), CLI_ACTOR)
    click.echo(f"{created.slug}: {created.name} — {created.documents} documents")


@topic.command("list")
def list_topics() -> None:
    """Every topic: slug, documents held (new since it was made), name and query."""
    with _platform() as platform:
        topics = service.list_topics(platform)
    for found in topics:
        click.echo(
            f"{found.slug}\t{found.documents} ({found.new} new)\t{found.name}\t{found.query}"
        )


@topic.command("show")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="Print the topic as JSON.")
def show(slug: str, as_json: bool) -> None:
    """The topic SLUG and its documents, best first."""
    with _platform() as platform:
        detail = service.topic_detail(platform, slug)
    if as_json:
        click.echo(TopicDetailRead.model_validate(detail).model_dump_json(indent=2))
        return
    found = detail.topic
    click.echo(f"# {found.name} ({found.slug})\nquery: {found.query} {found.filters or ''}")
    for held in detail.documents:
        document = held.document
        mark = " [new]" if held.new else ""
        click.echo(
            f"- {document.title} [{document.external_id}, {document.position}] "
            f"{document.date_text or ''}{mark}"
        )


@topic.command("refresh")
@click.argument("slug", required=False)
@click.option("--all", "every", is_flag=True, help="Refresh every topic.")
def refresh(slug: str | None, every: bool) -> None:
    """Run the topic's query again; documents not held yet are recorded as new."""
    if every == (slug is not None):
        raise click.UsageError("Give a SLUG or --all")
    with _platform() as platform:
        done = [service.refresh_topic(platform, slug)] if slug else service.refresh_all(platform)
    for report in done:
        click.echo(f"{report.slug}: {report.added} added, {report.documents} documents")


@topic.command("digest")
@click.argument("slug")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="What's new since, yyyy-mm-dd.")
@click.option("--json", "as_json", is_flag=True, help="Print the digest as JSON.")
@click.option("--markdown", "as_markdown", is_flag=True, help="Print Markdown (the default).")
def digest(slug: str, since: datetime | None, as_json: bool, as_markdown: bool) -> None:
    """The topic's digest: its best documents with their passage and key points citing [n],
    what's new, and the numbered sources."""
    if as_json and as_markdown:
        raise click.UsageError("Choose --json or --markdown")
    moment = since.replace(tzinfo=UTC) if since else None
    with _platform() as platform:
        found = service.topic_digest(platform, slug, moment)
    render: Callable[[], str] = (
        (lambda: DigestRead.model_validate(found).model_dump_json(indent=2))
        if as_json
        else (lambda: digest_markdown(found))
    )
    click.echo(render())


commands: list[click.Command] = [topic]
