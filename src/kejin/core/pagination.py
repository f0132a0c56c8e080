"""Page requests and pages: one contract for every list in the API and the web."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from kejin.core.errors import InvalidInput

T = TypeVar("T")

MAX_PAGE_SIZE = 200


@dataclass(frozen=True, slots=True)
class PageRequest:
    page: int = 1
    size: int = 25

    def __post_init__(self) -> None:
        if self.page < 1:
            raise InvalidInput("page must be 1 or more", field="page")
        if not 1 <= self.size <= MAX_PAGE_SIZE:
            raise InvalidInput("size must be between 1 and {max}", field="size", max=MAX_PAGE_SIZE)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))
