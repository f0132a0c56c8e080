"""Catalogue JSON API under `/api/v1`: the marketplace's products and the policies (public),
and the versioned save of a product by its provider's staff, of a policy by its owner's.

`GET /products/{code}` and `GET /policies/{code}` send `ETag: "<version>"`; `PUT` and `PATCH`
need `If-Match` with that tag (428 without it, 412 when someone saved in between — nothing is
written then). Machine clients of a provider save with a token holding `products:write`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path
from starlette.responses import Response

from kejin.identity.model import Principal, TokenScope
from kejin.products import service
from kejin.products.params import PROVIDER_ROLES, Filters
from kejin.products.schemas import (
    PolicyList,
    PolicyRead,
    PolicyWrite,
    ProductPage,
    ProductRead,
    ProductWrite,
)
from kejin.web.deps import PageDep, PlatformDep
from kejin.web.policy import allow, public
from kejin.web.problems import problem_responses
from kejin.web.versions import IfMatch, etag, expected_version

ERRORS = problem_responses(401, 403, 404, 412, 422, 428)
router = APIRouter(prefix="/api/v1", tags=["products"], responses=ERRORS)
Provider = Annotated[Principal, Depends(allow(*PROVIDER_ROLES, scope=TokenScope.PRODUCTS_WRITE))]
Viewer = Annotated[Principal | None, Depends(public)]
Code = Annotated[str, Path(max_length=80, description="product code, e.g. bank.kcb.points")]
PolicyCode = Annotated[str, Path(max_length=80, description="policy code, e.g. ai_guarantee")]


@router.get("/products")
def list_products(
    platform: PlatformDep, viewer: Viewer, filters: Filters, page: PageDep
) -> ProductPage:
    """The marketplace: products by layer, family, provider, stage, amount, term, collateral
    and instrument; published ones unless `status` says otherwise (your institution's only)."""
    return service.list_products(platform.uow, filters, page, viewer)


@router.get("/products/{code}")
def get_product(
    platform: PlatformDep, viewer: Viewer, code: Code, response: Response
) -> ProductRead:
    """One product as it is now; the `ETag` names its version."""
    product = service.get_product(platform.uow, code, viewer)
    response.headers["ETag"] = etag(product.version)
    return product


@router.put("/products/{code}")
def put_product(
    *,
    platform: PlatformDep,
    principal: Provider,
    code: Code,
    form: ProductWrite,
    response: Response,
    if_match: IfMatch = None,
) -> ProductRead:
    """Replace the product (its provider's staff only) if it is still at the `If-Match`
    version; eligibility faults are located like `eligibility.children[2].value`."""
    saved = service.save_product(platform.uow, principal, code, form, expected_version(if_match))
    response.headers["ETag"] = etag(saved.version)
    return saved


@router.patch("/products/{code}")
def patch_product(
    *,
    platform: PlatformDep,
    principal: Provider,
    code: Code,
    changes: Annotated[dict[str, Any], Body(description="top-level fields to replace")],
    response: Response,
    if_match: IfMatch = None,
) -> ProductRead:
    """Replace some top-level fields (e.g. `{"amount": {"min": …, "max": …}}`), as PUT does."""
    saved = service.patch_product(
        platform.uow, principal, code, changes, expected_version(if_match)
    )
    response.headers["ETag"] = etag(saved.version)
    return saved


@router.get("/policies", dependencies=[Depends(public)])
def list_policies(platform: PlatformDep) -> PolicyList:
    """Support policies: automatic (免申即享) and apply, with their source documents."""
    return service.list_policies(platform.uow)


@router.get("/policies/{code}", dependencies=[Depends(public)])
def get_policy(platform: PlatformDep, code: PolicyCode, response: Response) -> PolicyRead:
    """One policy with its source document; the `ETag` names its version."""
    policy = service.get_policy(platform.uow, code)
    response.headers["ETag"] = etag(policy.version)
    return policy


@router.put("/policies/{code}")
def put_policy(
    *,
    platform: PlatformDep,
    principal: Provider,
    code: PolicyCode,
    form: PolicyWrite,
    response: Response,
    if_match: IfMatch = None,
) -> PolicyRead:
    """Replace the policy (its owner's staff only) if it is still at the `If-Match` version."""
    saved = service.save_policy(platform.uow, principal, code, form, expected_version(if_match))
    response.headers["ETag"] = etag(saved.version)
    return saved
