"""The catalogue in the database (SQLite, or PostgreSQL when configured): every shipped file
loads and reads back equal, an edit is seen by the next read, a stale or foreign save writes
nothing, and a faulty condition is refused naming its place."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError

from kejin.audit import service as audit
from kejin.bootstrap import Platform
from kejin.core.errors import InvalidInput
from kejin.core.pagination import PageRequest
from kejin.identity.model import Principal
from kejin.products import imports, service
from kejin.products.cli import files
from kejin.products.errors import NotProvider, ProductChanged, ProductNotFound
from kejin.products.loader import load_catalogue
from kejin.products.model import ProductStatus
from kejin.products.orm import ProductVersionRow
from kejin.products.schemas import ProductFilters, ProductWrite
from tests.catalogue import OTHER_BANK, OWN_BANK, POINTS_LOAN, provider_staff, seed_catalogue
from tests.factories import create_user, principal


@pytest.fixture
def seeded(platform: Platform) -> Platform:
    seed_catalogue(platform)
    return platform


def _officer(platform: Platform, provider: str = OWN_BANK, login: str = "wang") -> Principal:
    return principal(platform, provider_staff(platform, provider, login))


def _threshold(tree: dict[str, Any], value: object) -> dict[str, Any]:
    changed = copy.deepcopy(tree)
    changed["children"][0]["value"] = value
    return changed


def _versions(platform: Platform) -> int:
    with platform.uow() as work:
        return int(work.session.scalar(select(func.count()).select_from(ProductVersionRow)) or 0)


def test_every_catalogue_file_loads_into_the_database_and_reads_back_equal(
    seeded: Platform,
) -> None:
    shipped = load_catalogue()
    live = imports.live_catalogue(seeded.uow)
    assert len(live.catalogue.products) == len(shipped.products) == 63
    assert {p.code: p for p in live.catalogue.products} == {p.code: p for p in shipped.products}
    assert {p.code: p for p in live.catalogue.policies} == {p.code: p for p in shipped.policies}
    assert live.catalogue.providers.keys() == shipped.providers.keys()
    again = seed_catalogue(seeded)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 63)
    assert again.revision == live.revision == 1


def test_an_export_reads_back_as_the_same_catalogue(seeded: Platform, tmp_path: Path) -> None:
    for path, document in files(imports.export_catalogue(seeded.uow)).items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    exported, shipped = load_catalogue(tmp_path), load_catalogue()
    assert {p.code: p for p in exported.products} == {p.code: p for p in shipped.products}
    assert {p.code: p for p in exported.policies} == {p.code: p for p in shipped.policies}
    assert exported.providers == shipped.providers


def test_an_edit_takes_effect_at_once(seeded: Platform) -> None:
    wang = _officer(seeded)
    before = imports.live_catalogue(seeded.uow)
    edit = service.editable_product(seeded.uow, wang, POINTS_LOAN)
    form = ProductWrite.model_validate(
        edit.entry | {"eligibility": _threshold(edit.entry["eligibility"], 500)}
    )
    saved = service.save_product(seeded.uow, wang, POINTS_LOAN, form, expected_version=1)
    assert saved.version == 2
    assert saved.revision == before.revision + 1
    read = service.get_product(seeded.uow, POINTS_LOAN)
    assert read.eligibility["children"][0]["value"] == 500
    live = imports.live_catalogue(seeded.uow)
    points = next(p for p in live.catalogue.products if p.code == POINTS_LOAN)
    assert points.eligibility["children"][0]["value"] == 500
    assert live.revision == before.revision + 1
    entries = audit.entries_about(seeded.uow, "financing_product", POINTS_LOAN, PageRequest())
    assert entries.items[0].action == "products.save"
    assert entries.items[0].detail["changed"] == ["eligibility"]


def test_a_stale_version_is_refused_and_nothing_is_written(seeded: Platform) -> None:
    wang = _officer(seeded)
    entry = service.editable_product(seeded.uow, wang, POINTS_LOAN).entry
    first = ProductWrite.model_validate(entry | {"amount": {"min": 500_000, "max": 4_000_000}})
    second = ProductWrite.model_validate(entry | {"amount": {"min": 500_000, "max": 6_000_000}})
    service.save_product(seeded.uow, wang, POINTS_LOAN, first, expected_version=1)
    revision, versions = imports.live_catalogue(seeded.uow).revision, _versions(seeded)
    with pytest.raises(ProductChanged) as refused:
        service.save_product(seeded.uow, wang, POINTS_LOAN, second, expected_version=1)
    assert refused.value.status == 412
    read = service.get_product(seeded.uow, POINTS_LOAN)
    assert (read.version, read.amount_max) == (2, 4_000_000)
    assert (imports.live_catalogue(seeded.uow).revision, _versions(seeded)) == (revision, versions)


@pytest.mark.parametrize("who", ["other_bank", "enterprise"])
def test_only_the_providers_staff_may_edit(seeded: Platform, who: str) -> None:
    wang = _officer(seeded)
    form = ProductWrite.model_validate(
        service.editable_product(seeded.uow, wang, POINTS_LOAN).entry | {"source": "changed"}
    )
    stranger = (
        _officer(seeded, OTHER_BANK, "qian")
        if who == "other_bank"
        else principal(seeded, create_user(seeded, "enterprise_admin", "lin"))
    )
    versions = _versions(seeded)
    with pytest.raises(NotProvider) as refused:
        service.save_product(seeded.uow, stranger, POINTS_LOAN, form, expected_version=1)
    assert refused.value.status == 403
    read = service.get_product(seeded.uow, POINTS_LOAN)
    assert (read.version, read.source != "changed", _versions(seeded)) == (1, True, versions)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (("children", 2, "value", "many"), "eligibility.children[2].value"),
        (("children", 1, "measure", "head_count"), "eligibility.children[1].measure"),
        (("children", 0, "op", "≈"), "eligibility.children[0].op"),
        (("children", 3, "kind", "guess"), "eligibility.children[3].kind"),
    ],
)
def test_a_faulty_condition_is_refused_naming_its_place(
    seeded: Platform, change: tuple[str, int, str, str], field: str
) -> None:
    wang = _officer(seeded)
    entry = service.editable_product(seeded.uow, wang, POINTS_LOAN).entry
    tree = copy.deepcopy(entry["eligibility"])
    key, index, name, value = change
    tree[key][index][name] = value
    form = ProductWrite.model_validate(entry | {"eligibility": tree})
    with pytest.raises(InvalidInput) as refused:
        service.save_product(seeded.uow, wang, POINTS_LOAN, form, expected_version=1)
    assert [p.field for p in refused.value.problems] == [field]
    assert service.get_product(seeded.uow, POINTS_LOAN).version == 1


def test_a_save_keeps_its_provider_and_references(seeded: Platform) -> None:
    wang = _officer(seeded)
    entry = service.editable_product(seeded.uow, wang, POINTS_LOAN).entry
    for changes, field in (
        ({"provider": OTHER_BANK}, "provider"),
        ({"policy": "no_such_policy"}, "policy"),
        ({"partners": ["nobody"]}, "partners"),
        ({"amount": {"min": 5_000_000, "max": 100}}, "amount.max"),
    ):
        form = ProductWrite.model_validate(entry | changes)
        with pytest.raises(InvalidInput) as refused:
            service.save_product(seeded.uow, wang, POINTS_LOAN, form, expected_version=1)
        assert refused.value.problems[0].field == field


def test_a_patch_changes_only_the_fields_it_names(seeded: Platform) -> None:
    wang = _officer(seeded)
    saved = service.patch_product(
        seeded.uow, wang, POINTS_LOAN, {"status": "suspended"}, expected_version=1
    )
    assert (saved.status, saved.version, saved.amount_max) == ("suspended", 2, 5_000_000)
    listed = service.list_products(seeded.uow, ProductFilters(), PageRequest(size=200))
    assert POINTS_LOAN not in {p.code for p in listed.items}


def test_an_unpublished_product_shows_only_to_its_providers_staff(seeded: Platform) -> None:
    wang = _officer(seeded)
    service.patch_product(seeded.uow, wang, POINTS_LOAN, {"status": "draft"}, expected_version=1)
    qian = _officer(seeded, OTHER_BANK, "qian")
    drafts = ProductFilters(status=ProductStatus.DRAFT)
    for viewer in (None, qian):
        with pytest.raises(ProductNotFound):
            service.get_product(seeded.uow, POINTS_LOAN, viewer)
        assert service.list_products(seeded.uow, drafts, PageRequest(), viewer).total == 0
    assert service.get_product(seeded.uow, POINTS_LOAN, wang).status == "draft"
    listed = service.list_products(seeded.uow, drafts, PageRequest(), wang)
    assert [p.code for p in listed.items] == [POINTS_LOAN]


def test_the_marketplace_filters_and_pages(seeded: Platform) -> None:
    def codes(**filters: Any) -> set[str]:
        page = service.list_products(seeded.uow, ProductFilters(**filters), PageRequest(size=200))
        assert page.total == len(page.items)
        return {p.code for p in page.items}

    everything = codes()
    assert len(everything) == 63
    bank_start_up = codes(layer="bank", stage="start_up", amount=3_000_000)
    assert POINTS_LOAN in bank_start_up
    for code in bank_start_up:
        product = service.get_product(seeded.uow, code)
        assert product.layer == "bank"
        assert product.amount_min <= 3_000_000 <= product.amount_max
        assert "start_up" in product.stages
    assert codes(provider=OTHER_BANK) == {
        p.code for p in load_catalogue().products if p.provider == OTHER_BANK
    }
    assert codes(collateral="ip_pledge") == {
        p.code for p in load_catalogue().products if p.collateral == "ip_pledge"
    }
    assert codes(term=600) == set()
    second = service.list_products(seeded.uow, ProductFilters(), PageRequest(page=2, size=25))
    assert (second.total, len(second.items), second.pages) == (63, 25, 3)


def test_comparison_takes_one_to_four_products(seeded: Platform) -> None:
    compared = service.compare_products(seeded.uow, [POINTS_LOAN, "bank.bay.points", POINTS_LOAN])
    assert [p.code for p in compared] == [POINTS_LOAN, "bank.bay.points"]
    with pytest.raises(InvalidInput):
        service.compare_products(seeded.uow, [p.code for p in load_catalogue().products[:5]])


def test_an_import_needs_the_providers_institutions(platform: Platform) -> None:
    with pytest.raises(InvalidInput) as refused:
        imports.import_catalogue(platform.uow, load_catalogue())
    assert {p.field for p in refused.value.problems} >= {OWN_BANK, OTHER_BANK}


def test_saved_versions_cannot_be_rewritten_on_postgresql(seeded: Platform) -> None:
    if seeded.engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    with (
        pytest.raises(DBAPIError, match="append-only"),
        seeded.engine.begin() as conn,
    ):
        conn.execute(update(ProductVersionRow).values(edited_by="someone else"))
