"""Unit tests touch no database (`scripts/test` runs them once, not again on PostgreSQL): the
database fixtures fail here."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def migrated() -> None:
    pytest.fail("a unit test asked for the database: it belongs in tests/integration")
