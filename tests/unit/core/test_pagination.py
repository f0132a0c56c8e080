"""Page requests are validated where they are made; pages know their page count."""

import pytest

from kejin.core.errors import InvalidInput
from kejin.core.pagination import MAX_PAGE_SIZE, Page, PageRequest


def test_offset_follows_page_and_size() -> None:
    assert PageRequest(page=3, size=20).offset == 40


@pytest.mark.parametrize(
    ("page", "size", "field"), [(0, 10, "page"), (1, 0, "size"), (1, MAX_PAGE_SIZE + 1, "size")]
)
def test_out_of_range_requests_name_the_field(page: int, size: int, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        PageRequest(page=page, size=size)
    assert caught.value.field == field


def test_page_count_rounds_up_and_is_at_least_one() -> None:
    assert Page(items=[], total=41, page=1, size=20).pages == 3
    assert Page(items=[], total=0, page=1, size=20).pages == 1
