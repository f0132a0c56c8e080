"""What the catalogue's API and pages share: the marketplace filters as query parameters, and
the roles that may edit a product (the service then checks it is their institution's)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from kejin.identity.model import Role
from kejin.products.schemas import ProductFilters

PROVIDER_ROLES = (
    Role.BANK_OFFICER,  # banks, guarantors and insurers
    Role.BANK_APPROVER,
    Role.FUND_MANAGER,
    Role.GOVERNMENT_ANALYST,  # government products and programmes
)
Filters = Annotated[ProductFilters, Query()]
