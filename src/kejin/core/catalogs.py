"""Catalog maintenance: extract message ids from code and templates, merge them into the
gettext catalogs. Used by `scripts/update-catalogs` and the catalog-completeness test; the
running application only reads catalogs (`kejin.core.i18n`)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from kejin.core.i18n import LOCALES, MESSAGE_KEYWORDS

PACKAGE = Path(__file__).resolve().parents[1]


def catalog_path(locale: str) -> Path:
    return PACKAGE / "locale" / locale / "LC_MESSAGES" / "messages.po"


def extract(mapping: Path) -> Catalog:
    """Every message id in the package, found with the `babel.cfg` at `mapping`."""
    with mapping.open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    template = Catalog()
    found = extract_from_dir(
        PACKAGE, method_map, options_map, keywords=MESSAGE_KEYWORDS, comment_tags=()
    )
    for _, _, message, _, _ in found:
        template.add(message)
    return template


def read_catalog(locale: str) -> Catalog:
    with catalog_path(locale).open("rb") as handle:
        return read_po(handle, locale=locale)


def update_catalogs(mapping: Path) -> dict[str, int]:
    """Merge the extracted ids into every catalog (dropping unused ones); untranslated counts."""
    template = extract(mapping)
    untranslated = {}
    for locale in LOCALES:
        catalog = read_catalog(locale)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with catalog_path(locale).open("wb") as handle:
            write_po(handle, catalog, sort_output=True, no_location=True)
        untranslated[locale] = sum(1 for m in catalog if m.id and not m.string)
    return untranslated
