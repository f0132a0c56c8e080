"""Needs test data: a small catalogue of banks whose loans any firm fits (the bank's own review
is their only condition), the banks' officers, and a firm with its admin."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from kejin.bootstrap import Platform
from kejin.identity import demo as accounts
from kejin.identity.model import Principal, Role
from kejin.needs import service
from kejin.needs.model import NeedMode, Purpose
from kejin.needs.schemas import NeedCreate
from kejin.products import imports
from kejin.products.loader import load_catalogue
from kejin.products.model import Instrument, Layer
from tests.catalogue import provider_staff
from tests.factories import create_user, principal, seed_enterprises

WAN = Decimal(10_000)


def _bank(index: int) -> dict[str, Any]:
    name = {"zh": f"测试银行{index}", "en": f"Test Bank {index}"}
    return {"code": f"test_bank_{index}", "name": name, "kind": "bank"}


def _loan(index: int, *, min_amount: int = 100_000, max_amount: int = 10_000_000) -> dict[str, Any]:
    code = f"bank.t{index}.loan"
    return {
        "code": code,
        "provider": f"test_bank_{index}",
        "family": "credit_loan",
        "instrument": "loan",
        "name": {"zh": f"测试贷{index}", "en": f"Test loan {index}"},
        "summary": {"zh": "测试用贷款", "en": "A loan for tests"},
        "stages": ["seed", "start_up", "growth", "expansion", "mature"],
        "amount": {"min": min_amount, "max": max_amount},
        "term_months": {"min": 6, "max": 60},
        "pricing": {"basis": "lpr_spread", "spread_bp": 50 + index},
        "collateral": "none",
        "eligibility": {"id": f"{code}/eligibility", "kind": "all_of",
                        "label": {"zh": "条件", "en": "Conditions"},
                        "children": [{"id": f"{code}/review", "kind": "manual", "points": [0, 0],
                                      "label": {"zh": "银行审批", "en": "The bank's review"}}]},
        "sizing": {"rule": "range"},
        "documents": ["business_licence"],
        "valid_from": "2020-01-01",
        "status": "published",
        "source": "Test data",
    }  # fmt: skip


def write_catalogue(folder: Path, banks: int, **loan: int) -> Path:
    (folder / "products").mkdir(parents=True)
    (folder / "providers.json").write_text(
        json.dumps({"providers": [_bank(i) for i in range(banks)]}), encoding="utf-8"
    )
    for layer in Layer:
        entries = [_loan(i, **loan) for i in range(banks)] if layer is Layer.BANK else []
        text = json.dumps({"layer": layer.value, "products": entries})
        (folder / "products" / f"{layer.value}.json").write_text(text, encoding="utf-8")
    (folder / "policies.json").write_text(json.dumps({"policies": []}), encoding="utf-8")
    return folder


@dataclass(frozen=True)
class World:
    platform: Platform
    firm: Principal  # the admin of the firm that posts needs
    officers: list[Principal]  # one officer at each test bank, bank i → officers[i]

    def loan(self, index: int) -> str:
        return f"bank.t{index}.loan"


def build_world(platform: Platform, folder: Path, banks: int = 2, **loan: int) -> World:
    seed_enterprises(platform, 3)
    catalogue = load_catalogue(write_catalogue(folder, banks, **loan))
    accounts.ensure_institutions(
        platform.uow, {spec.name.zh: spec.kind for spec in catalogue.providers.values()}
    )
    imports.import_catalogue(platform.uow, catalogue)
    firm = principal(platform, create_user(platform, Role.ENTERPRISE_ADMIN.value, "lin"))
    officers = [
        principal(platform, provider_staff(platform, f"test_bank_{i}", f"officer{i}"))
        for i in range(banks)
    ]
    return World(platform, firm, officers)


def post(world: World, **changes: Any) -> int:
    fields: dict[str, Any] = {
        "amount": 500 * WAN,
        "purpose": Purpose.CLINICAL_TRIALS,
        "term_months": 36,
        "instruments": [Instrument.LOAN],
        "mode": NeedMode.EXCLUSIVE,
    }
    fields.update(changes)
    return service.post_need(world.platform.uow, world.firm, NeedCreate(**fields))
