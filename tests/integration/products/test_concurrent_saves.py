"""Editors who all opened version 1 and save at the same moment: exactly one save lands, every
other gets `ProductChanged`, and the history holds one new version (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from kejin.bootstrap import Platform
from kejin.identity.model import Principal
from kejin.products import imports, service
from kejin.products.errors import ProductChanged
from kejin.products.schemas import ProductWrite
from tests.catalogue import OWN_BANK, POINTS_LOAN, provider_staff, seed_catalogue
from tests.factories import principal

EDITORS = 4


def _save(
    platform: Platform, editor: Principal, form: ProductWrite, start: threading.Barrier
) -> str:
    start.wait()
    try:
        service.save_product(platform.uow, editor, POINTS_LOAN, form, expected_version=1)
    except ProductChanged:
        return "changed"
    return "saved"


def test_of_simultaneous_saves_of_one_version_exactly_one_lands(platform: Platform) -> None:
    seed_catalogue(platform)
    editors = [
        principal(platform, provider_staff(platform, OWN_BANK, f"editor{n}"))
        for n in range(EDITORS)
    ]
    entry = service.editable_product(platform.uow, editors[0], POINTS_LOAN).entry
    forms = [ProductWrite.model_validate(entry | {"source": f"editor {n}"}) for n in range(EDITORS)]
    start = threading.Barrier(EDITORS)
    with ThreadPoolExecutor(EDITORS) as pool:
        outcomes = list(pool.map(_save, [platform] * EDITORS, editors, forms, [start] * EDITORS))
    assert sorted(outcomes) == ["changed"] * (EDITORS - 1) + ["saved"]
    product = service.get_product(platform.uow, POINTS_LOAN)
    winner = outcomes.index("saved")
    assert (product.version, product.source) == (2, f"editor {winner}")
    edit = service.editable_product(platform.uow, editors[0], POINTS_LOAN)
    assert [v.version for v in edit.versions] == [2, 1]
    assert imports.live_catalogue(platform.uow).revision == 2
