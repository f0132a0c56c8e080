"""What the catalogue's API and pages share: the marketplace filters as query parameters, and
the roles that may edit a product (the service then checks it is their institution's)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import Depends, Query

from kejin.identity.model import Role
from kejin.products.model import Collateral, Instrument, Layer, ProductFamily, ProductStatus
from kejin.products.schemas import ProductFilters
from kejin.registry.model import Stage

PROVIDER_ROLES = (
    Role.BANK_OFFICER,  # banks, guarantors and insurers
    Role.BANK_APPROVER,
    Role.FUND_MANAGER,
    Role.GOVERNMENT_ANALYST,  # government products and programmes
)


def product_filters(
    *,
    layer: Layer | None = None,
    family: ProductFamily | None = None,
    provider: Annotated[str | None, Query(max_length=80)] = None,
    stage: Stage | None = None,
    amount: Annotated[Decimal | None, Query(ge=0, description="CNY the firm seeks")] = None,
    term: Annotated[int | None, Query(ge=0, le=600, description="months")] = None,
    collateral: Collateral | None = None,
    instrument: Instrument | None = None,
    status: ProductStatus = ProductStatus.PUBLISHED,
) -> ProductFilters:
    """The filters of a marketplace request; a bad value is refused naming its field."""
    return ProductFilters(
        layer=layer,
        family=family,
        provider=provider,
        stage=stage,
        amount=amount,
        term=term,
        collateral=collateral,
        instrument=instrument,
        status=status,
    )


Filters = Annotated[ProductFilters, Depends(product_filters)]
