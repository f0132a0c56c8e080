"""The demo catalogue for `kejin demo`: the invented providers as institutions, then the shipped
catalogue (63 products, 12 policies) loaded into the database. Idempotent: a second run finds
every entry unchanged."""

from __future__ import annotations

from kejin.identity import demo as accounts
from kejin.products import imports
from kejin.products.loader import load_catalogue
from kejin.products.schemas import ImportReport


def seed_catalogue(uow: imports.UowFactory) -> ImportReport:
    catalogue = load_catalogue()
    accounts.ensure_institutions(
        uow, {spec.name.zh: spec.kind for spec in catalogue.providers.values()}
    )
    return imports.import_catalogue(uow, catalogue, actor=accounts.DEMO_ACTOR)
