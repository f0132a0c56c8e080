"""Catalogue pages: the marketplace (filters, pages, CSV), comparison of up to four products,
a product's page, the provider's edit form, and the policies with their source documents.

The edit form is the product's fields plus its eligibility tree and amount rule as JSON; it
posts the version it was opened at, and a save that lost the race answers 409 with a reload
link instead of overwriting the other editor's change.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from kejin.core.errors import FieldProblem, InvalidInput, KejinError
from kejin.core.i18n import N_, translate
from kejin.core.pagination import PageRequest
from kejin.identity.model import Principal
from kejin.products import service
from kejin.products.errors import ProductChanged
from kejin.products.model import (
    Collateral,
    DocumentKind,
    Instrument,
    Layer,
    LprTenor,
    PolicyMode,
    PricingBasis,
    ProductFamily,
    ProductStatus,
)
from kejin.products.params import PROVIDER_ROLES, Filters
from kejin.products.schemas import ProductPage, ProductWrite
from kejin.registry.model import Stage
from kejin.web.deps import PageDep, PlatformDep
from kejin.web.labels import label
from kejin.web.locale import locale_of
from kejin.web.policy import allow, public
from kejin.web.problems import refusal
from kejin.web.templating import render

router = APIRouter(include_in_schema=False)
Provider = Annotated[Principal, Depends(allow(*PROVIDER_ROLES))]
Viewer = Annotated[Principal | None, Depends(public)]
Code = Annotated[str, Path(max_length=80)]
NOT_JSON = N_("not valid JSON: {detail}")
EXPORT_LIMIT = 200
CSV_COLUMNS = (
    N_("Code"),
    N_("Product"),
    N_("Provider"),
    N_("Layer"),
    N_("Family"),
    N_("Minimum amount (CNY)"),
    N_("Maximum amount (CNY)"),
    N_("Term (months)"),
    N_("Yearly cost"),
    N_("Collateral"),
)


def _choices() -> dict[str, Any]:
    return {
        "layers": list(Layer),
        "families": list(ProductFamily),
        "stages": list(Stage),
        "collaterals": list(Collateral),
        "instruments": list(Instrument),
        "statuses": list(ProductStatus),
        "bases": list(PricingBasis),
        "tenors": list(LprTenor),
        "documents": list(DocumentKind),
        "modes": list(PolicyMode),
    }


@router.get("/marketplace", response_class=HTMLResponse)
def marketplace(
    request: Request, platform: PlatformDep, viewer: Viewer, filters: Filters, page: PageDep
) -> HTMLResponse:
    """Every layer's products, narrowed by the filters; tick up to four to compare."""
    context = {
        "result": service.list_products(platform.uow, filters, page, viewer),
        "filters": filters,
        "providers": service.providers(platform.uow),
        "export_query": request.url.query,
        **_choices(),
    }
    return render(request, "products/marketplace.html", context)


@router.get("/marketplace/export.csv")
def marketplace_export(
    request: Request, platform: PlatformDep, viewer: Viewer, filters: Filters
) -> Response:
    """The filtered products as CSV (first 200), headers in the page's language."""
    first = PageRequest(page=1, size=EXPORT_LIMIT)
    result = service.list_products(platform.uow, filters, first, viewer)
    lines = _csv_lines(locale_of(request), result)
    headers = {"Content-Disposition": 'attachment; filename="financing-products.csv"'}
    return StreamingResponse(lines, media_type="text/csv; charset=utf-8", headers=headers)


def _csv_lines(locale: str, result: ProductPage) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    zh = locale.startswith("zh")
    writer.writerow([translate(locale, column) for column in CSV_COLUMNS])
    for item in result.items:
        term = (
            "" if item.term_min_months is None else f"{item.term_min_months}–{item.term_max_months}"
        )
        writer.writerow(
            [
                item.code,
                item.name_zh if zh else item.name_en,
                item.provider.name_zh if zh else item.provider.name_en,
                label(locale, item.layer),
                label(locale, item.family),
                item.amount_min,
                item.amount_max,
                term,
                "" if item.pricing.all_in_rate is None else item.pricing.all_in_rate,
                label(locale, item.collateral),
            ]
        )
    yield "\ufeff" + buffer.getvalue()


@router.get("/marketplace/compare", response_class=HTMLResponse)
def compare(
    request: Request,
    platform: PlatformDep,
    viewer: Viewer,
    codes: Annotated[list[str], Query(max_length=8)],
) -> HTMLResponse:
    """Up to four products side by side (`?codes=a&codes=b` or `?codes=a,b`)."""
    wanted = [code.strip() for text in codes for code in text.split(",")]
    products = service.compare_products(platform.uow, wanted, viewer)
    return render(request, "products/compare.html", {"products": products})


@router.get("/marketplace/products/{code}", response_class=HTMLResponse)
def product_page(
    request: Request, platform: PlatformDep, viewer: Viewer, code: Code
) -> HTMLResponse:
    product = service.get_product(platform.uow, code, viewer)
    return render(request, "products/product.html", {"product": product})


@router.get("/workbench/products/{code}/edit", response_class=HTMLResponse)
def edit_form(
    request: Request, platform: PlatformDep, principal: Provider, code: Code
) -> HTMLResponse:
    """The provider's editor, opened at the product's current version."""
    edit = service.editable_product(platform.uow, principal, code)
    return _form(request, edit.model_dump(), edit.entry, edit.product.version)


@router.post("/workbench/products/{code}/edit")
async def save(
    request: Request, platform: PlatformDep, principal: Provider, code: Code
) -> Response:
    edit = service.editable_product(platform.uow, principal, code)
    submitted = await request.form()
    entry = _entry(edit.entry, submitted)
    version = _version(submitted)
    try:
        form = _validated(entry)
        service.save_product(platform.uow, principal, code, form, version)
    except ProductChanged as exc:
        return _form(request, edit.model_dump(), entry, version, error=exc, status_code=409)
    except KejinError as exc:
        return _form(request, edit.model_dump(), entry, version, error=exc, status_code=exc.status)
    return RedirectResponse(f"/marketplace/products/{code}", status_code=303)


def _form(
    request: Request,
    edit: Mapping[str, Any],
    entry: Mapping[str, Any],
    version: int,
    *,
    error: KejinError | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    shown = {"error": None, "problems": []} if error is None else refusal(locale_of(request), error)
    context = {
        "edit": edit,
        "entry": entry,
        "version": version,
        "eligibility_json": _pretty(entry.get("eligibility")),
        "sizing_json": _pretty(entry.get("sizing")),
        **shown,
        "changed": isinstance(error, ProductChanged),
        **_choices(),
    }
    return render(request, "products/edit.html", context, status_code=status_code)


def _pretty(tree: Any) -> str:
    return tree if isinstance(tree, str) else json.dumps(tree, ensure_ascii=False, indent=2)


def _version(submitted: FormData) -> int:
    text = str(submitted.get("version", ""))
    return int(text) if text.isdigit() else 0


def _entry(current: Mapping[str, Any], submitted: FormData) -> dict[str, Any]:
    """The current entry with the form's fields put in (references stay as they were)."""

    def text(name: str) -> str:
        return str(submitted.get(name, "")).strip()

    def number(name: str) -> str | None:
        return text(name) or None

    term = (
        {"min": text("term_min"), "max": text("term_max")}
        if text("term_min") or text("term_max")
        else None
    )
    pricing = {
        "basis": text("pricing_basis"),
        "spread_bp": number("spread_bp"),
        "lpr_tenor": number("lpr_tenor"),
        "rate": number("rate"),
        "fee_rate": number("fee_rate"),
        "subsidy_share": number("subsidy_share"),
    }
    return {
        **current,
        "name": {"zh": text("name_zh"), "en": text("name_en")},
        "summary": {"zh": text("summary_zh"), "en": text("summary_en")},
        "stages": [str(value) for value in submitted.getlist("stages")],
        "amount": {"min": text("amount_min"), "max": text("amount_max")},
        "term_months": term,
        "pricing": {key: value for key, value in pricing.items() if value is not None},
        "collateral": text("collateral"),
        "documents": [str(value) for value in submitted.getlist("documents")],
        "status": text("status"),
        "valid_from": text("valid_from"),
        "valid_to": text("valid_to") or None,
        "source": text("source"),
        "notes": [line.strip() for line in text("notes").splitlines() if line.strip()],
        "eligibility": text("eligibility"),
        "sizing": text("sizing"),
    }


def _validated(entry: Mapping[str, Any]) -> ProductWrite:
    """The form as a `ProductWrite`; JSON and field faults become one `InvalidInput`."""
    data = dict(entry)
    problems: list[FieldProblem] = []
    for name in ("eligibility", "sizing"):
        try:
            data[name] = json.loads(str(entry[name]), parse_float=Decimal)
        except ValueError as error:
            problems.append(FieldProblem(name, NOT_JSON, params={"detail": str(error)}))
    if problems:
        raise InvalidInput("Invalid input", problems=problems)
    return service.form_of(data)


@router.get("/policies", response_class=HTMLResponse, dependencies=[Depends(public)])
def policies(request: Request, platform: PlatformDep) -> HTMLResponse:
    result = service.list_policies(platform.uow)
    return render(request, "products/policies.html", {"result": result, **_choices()})


@router.get("/policies/{code}", response_class=HTMLResponse, dependencies=[Depends(public)])
def policy_page(request: Request, platform: PlatformDep, code: Code) -> HTMLResponse:
    policy = service.get_policy(platform.uow, code)
    return render(request, "products/policy.html", {"policy": policy})
