"""A scorecard bin is shown in the units of its feature's value: transformed bounds inverted,
ratios in percent, flags as yes or no, stages by name."""

import pytest

from kejin.credit.web import bin_shown


@pytest.mark.parametrize(
    ("name", "label", "shown"),
    [
        ("debt_ratio", "[0.335473, 0.508693)", "[33.5%, 50.9%)"),
        ("log1p_age_years", "[1.21317, 1.43424)", "[2.4, 3.2)"),
        ("log1p_invention_patents", "(-inf, 0.346574)", "(−∞, 0)"),
        ("innovation_points", "[568.5, inf)", "[568.5, ∞)"),
        ("high_tech_certificate", "(-inf, 0.5)", "no"),
        ("high_tech_certificate", "[0.5, inf)", "yes"),
        ("stage", "seed, start_up", "Seed, Start-up"),
        ("rd_intensity", "missing", "not known"),
        ("rd_intensity", "special", "special values"),
    ],
)
def test_a_bin_reads_in_the_units_of_its_feature(name: str, label: str, shown: str) -> None:
    assert bin_shown("en", name, label) == shown


def test_chinese_bins_use_chinese_words() -> None:
    assert bin_shown("zh_CN", "stage", "seed, start_up") == "种子期、初创期"
    assert bin_shown("zh_CN", "high_tech_certificate", "[0.5, inf)") == "是"
