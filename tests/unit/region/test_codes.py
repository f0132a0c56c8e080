"""Credit codes and names of demo enterprises: valid, unique, and equal to the scalar reference."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc

from kejin.region.codes import credit_codes
from kejin.region.model import DemoRegion
from kejin.registry.model import credit_code_with_check

ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def gb11714_check(body: str) -> str:
    """Scalar reference of the organisation-code check character (GB 11714-1997)."""
    total = sum(
        ORG_ALPHABET.index(c) * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def test_every_generated_credit_code_passes_stdnum_and_is_unique(region: DemoRegion) -> None:
    codes = region.frames.enterprises["uscc"].to_list()
    assert all(uscc.validate(code) == code for code in codes)
    assert len(set(codes)) == len(codes)


def test_generated_codes_are_enterprise_codes_of_the_zone_with_a_valid_organisation_code(
    region: DemoRegion,
) -> None:
    for code in region.frames.enterprises["uscc"].head(2_000):
        assert code.startswith("914403")
        assert code[16] == gb11714_check(code[8:16])


@given(
    index=st.lists(st.integers(0, 10**8 - 1), min_size=1, max_size=50, unique=True),
    division=st.sampled_from(["440305", "110108", "310115", "330106"]),
    salt=st.integers(0, 10**6),
)
def test_vectorised_check_characters_equal_the_scalar_reference(
    index: list[int], division: str, salt: int
) -> None:
    codes = credit_codes(np.array(index, dtype=np.int64), np.array([division] * len(index)), salt)
    for code in codes:
        assert code == credit_code_with_check(code[:17])
        assert code[16] == gb11714_check(code[8:16])
    assert codes.n_unique() == len(index)


def test_company_names_are_unique_chinese_limited_companies(region: DemoRegion) -> None:
    names = region.frames.enterprises["name"]
    assert names.n_unique() == names.len()
    assert all(re.fullmatch(r"深圳[\u4e00-\u9fff]{4,9}有限公司", name) for name in names)
