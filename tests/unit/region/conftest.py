"""A demo region shared by the region unit tests (generation is pure and fast)."""

from __future__ import annotations

from datetime import date

import pytest

from kejin.region.model import DemoRegion, generate_region

AS_OF = date(2025, 12, 31)


@pytest.fixture(scope="package")
def region() -> DemoRegion:
    return generate_region(20_000, seed=11, as_of=AS_OF)
