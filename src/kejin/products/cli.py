"""Commands of the catalogue: `kejin products import [DIR]` loads catalogue files (default: the
shipped catalogue) into the database; `kejin products export DIR` writes the database's
catalogue back as files of the same format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from kejin.bootstrap import bootstrap
from kejin.core.errors import InvalidInput
from kejin.products import imports
from kejin.products.entries import plain, policy_entry, product_entry
from kejin.products.loader import Catalogue, load_catalogue
from kejin.products.model import Layer


@click.group("products")
def products() -> None:
    """Financing products and policies (融资产品与政策)."""


@products.command("import")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def import_command(directory: Path | None) -> None:
    """Load the catalogue in DIRECTORY (default: the shipped one) into the database."""
    platform = bootstrap()
    platform.migrate()
    try:
        report = imports.import_catalogue(platform.uow, load_catalogue(directory))
    except InvalidInput as exc:
        reasons = [f"{p.field}: {p.reason.format(**p.params)}" for p in exc.problems]
        raise click.ClickException("; ".join([str(exc), *reasons])) from exc
    finally:
        platform.dispose()
    click.echo(
        f"{report.inserted} new, {report.updated} changed, {report.unchanged} unchanged"
        f" (catalogue revision {report.revision})"
    )


@products.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export_command(directory: Path) -> None:
    """Write the database's catalogue to DIRECTORY in the catalogue file format."""
    platform = bootstrap()
    try:
        catalogue = imports.export_catalogue(platform.uow)
    finally:
        platform.dispose()
    for path, document in files(catalogue).items():
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
    click.echo(f"{len(catalogue.products)} products, {len(catalogue.policies)} policies")


def files(catalogue: Catalogue) -> dict[str, Any]:
    """The catalogue as its files: relative path → JSON document."""
    providers = [
        {"code": p.code, "name": {"zh": p.name.zh, "en": p.name.en}, "kind": p.kind.value}
        | ({"notes": list(p.notes)} if p.notes else {})
        for p in catalogue.providers.values()
    ]
    documents: dict[str, Any] = {"providers.json": {"providers": providers}}
    for layer in Layer:
        entries = [plain(product_entry(p)) for p in catalogue.products if p.layer is layer]
        documents[f"products/{layer}.json"] = {"layer": layer.value, "products": entries}
    documents["policies.json"] = {"policies": [plain(policy_entry(p)) for p in catalogue.policies]}
    return documents


commands: list[click.Command] = [products]
