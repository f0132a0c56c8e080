"""The search page (`/search`), a research terminal over the document library: a query box,
filters, a page of cited paragraphs with the matched words marked, pages, and the results as
CSV or JSON (`/search/export`). Any signed-in user.

The parameters are those of `GET /api/v1/search`, so a link made for one works on the other.
They are read here as plain text and refused field by field on the page itself (422), never
as a bare error page.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse

from kejin.core.errors import FieldProblem, InvalidInput, KejinError
from kejin.core.i18n import N_, translate
from kejin.documents.model import DocumentKind
from kejin.identity.model import Principal
from kejin.search import service
from kejin.search.errors import InvalidSearch
from kejin.search.model import MAX_PAGE, Hit, PageSpec, SearchFilters
from kejin.search.schemas import ExportedHitRead, SearchExportRead
from kejin.web.deps import PlatformDep
from kejin.web.labels import label
from kejin.web.locale import locale_of
from kejin.web.policy import signed_in
from kejin.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(signed_in)]
PER_PAGE = 10
EXPORT_LIMIT = 1000
LANGUAGES = {"zh": N_("Chinese"), "en": N_("English")}
KIND_OF = {kind.value: kind for kind in DocumentKind}
EXAMPLES = ("科技金融", "知识产权质押", "中小企业 融资", "专精特新")
SYNTAX = (
    ("科技金融 专精特新", N_("both words (a space means AND)")),
    ('"知识产权 质押融资"', N_("the exact phrase, words adjacent and in order")),
    ("投贷联动 OR 认股权贷款", N_("either word")),
    ("科技金融 -贷款", N_("without the word after the minus sign")),
)
FIELD_LABELS = {
    "q": N_("Search words"),
    "from": N_("Published from"),
    "to": N_("Published to"),
    "issuer": N_("Issuer"),
    "region": N_("Region"),
    "kind": N_("Kind"),
    "language": N_("Language"),
    "page": N_("Page"),
}
NOT_A_DATE = N_("must be a date like 2024-06-30")
NOT_A_NUMBER = N_("must be a whole number")
AT_MOST = N_("must be at most {le}")
ONE_OF = N_("must be one of: {expected}")
TOO_LONG = N_("must be at most {max_length} characters")
PAST_THE_END = N_("The last page of results is page {pages}")
TEXT_LIMITS = {"issuer": 200, "region": 64}
CSV_COLUMNS = (
    N_("Rank"),
    N_("Document"),
    N_("Paragraph"),
    N_("Title"),
    N_("Issuer"),
    N_("Document number"),
    N_("Date"),
    N_("Region"),
    N_("Kind"),
    N_("Language"),
    N_("Score"),
    N_("Matched words"),
    N_("Snippet"),
    N_("Link"),
)


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class SearchForm:
    """The page's fields exactly as sent (they refill the form), keyed like the API's."""

    q: str = ""
    date_from: str = ""
    date_to: str = ""
    issuer: str = ""
    region: str = ""
    kind: str = ""
    language: str = ""
    page: str = ""

    @classmethod
    def of(cls, params: Mapping[str, str]) -> SearchForm:
        names = {"date_from": "from", "date_to": "to"}
        return cls(
            **{f.name: params.get(names.get(f.name, f.name), "").strip() for f in fields(cls)}
        )

    @property
    def filtered(self) -> bool:
        return any(
            (self.date_from, self.date_to, self.issuer, self.region, self.kind, self.language)
        )

    def criteria(self) -> tuple[SearchFilters, PageSpec]:
        """The filters and page asked for; every unreadable field is named at once."""
        problems: list[FieldProblem] = []
        date_from = _date("from", self.date_from, problems)
        date_to = _date("to", self.date_to, problems)
        kind = _choice("kind", self.kind, list(KIND_OF), problems)
        _choice("language", self.language, list(LANGUAGES), problems)
        for name, limit in TEXT_LIMITS.items():
            if len(getattr(self, name)) > limit:
                problems.append(FieldProblem(name, TOO_LONG, params={"max_length": limit}))
        page = 1
        try:
            page = int(self.page or 1)
        except ValueError:
            problems.append(FieldProblem("page", NOT_A_NUMBER))
        if page > MAX_PAGE:
            problems.append(FieldProblem("page", AT_MOST, params={"le": MAX_PAGE}))
        if problems:
            raise InvalidSearch("Check the search fields", problems=problems)
        filters = SearchFilters(
            date_from,
            date_to,
            self.issuer or None,
            self.region or None,
            KIND_OF.get(kind),
            self.language or None,
        )
        return filters, PageSpec(page, PER_PAGE)


def _date(name: str, text: str, problems: list[FieldProblem]) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        problems.append(FieldProblem(name, NOT_A_DATE))
        return None


def _choice(name: str, text: str, allowed: list[str], problems: list[FieldProblem]) -> str:
    if text and text not in allowed:
        problems.append(FieldProblem(name, ONE_OF, params={"expected": ", ".join(allowed)}))
        return ""
    return text


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, platform: PlatformDep, reader: Reader) -> HTMLResponse:
    """The query box and filters; with a query, one page of cited paragraphs."""
    form = SearchForm.of(request.query_params)
    results = None
    refusal: KejinError | None = None
    try:
        filters, page = form.criteria()
        if form.q:
            results = service.results_page(platform, form.q, filters, page)
            found = results.found
            if found.total and found.page > found.pages:
                refusal = InvalidSearch(PAST_THE_END, field="page", pages=found.pages)
    except KejinError as error:
        refusal = error
    errors = _errors(locale_of(request), refusal)
    context = {
        "form": form,
        "results": results,
        "errors": errors,
        "invalid": {field for field, _, _ in errors},
        **_choices(),
        "milliseconds": None if results is None else _milliseconds(results.seconds),
        "search_url": search_url,
        "document_url": document_url,
        "export_query": urlencode(
            [(k, v) for k, v in request.query_params.multi_items() if k not in {"page", "lang"}]
        ),
    }
    return render(
        request, "search/search.html", context, 200 if refusal is None else refusal.status
    )


def _milliseconds(seconds: float) -> Decimal:
    return Decimal(seconds * 1000).quantize(Decimal("0.1"))


def _errors(locale: str, error: KejinError | None) -> list[tuple[str, str, str]]:
    """(field, field label, reason) for each field refused, translated for `locale`; the
    label is empty for a refusal that names no field of the form."""
    if error is None:
        return []
    if isinstance(error, InvalidInput) and error.problems:
        named = [(p.field, translate(locale, p.reason, **p.params)) for p in error.problems]
    else:
        named = [(error.field or "", translate(locale, error.message, **error.params))]
    return [
        (field, translate(locale, FIELD_LABELS[field]) if field in FIELD_LABELS else "", reason)
        for field, reason in named
    ]


def _choices() -> dict[str, Any]:
    return {
        "kinds": list(DocumentKind),
        "kind_of": KIND_OF,
        "languages": LANGUAGES,
        "examples": EXAMPLES,
        "syntax": SYNTAX,
        "per_page": PER_PAGE,
    }


def search_url(q: str, **params: str) -> str:
    """The search page for `q` (and any filters given)."""
    return "/search?" + urlencode({"q": q, **params})


def document_url(hit: Hit) -> str:
    """The cited paragraph on its document's page."""
    return f"/documents/{quote(hit.external_id, safe='')}#p-{hit.position}"


@router.get("/search/export")
def search_export(
    request: Request,
    platform: PlatformDep,
    reader: Reader,
    export_format: Annotated[ExportFormat, Query(alias="format")] = ExportFormat.CSV,
) -> Response:
    """The best hits for the query and filters (up to 1,000) as CSV or JSON."""
    form = SearchForm.of(request.query_params)
    filters, _ = form.criteria()
    results = service.first_results(platform, form.q, filters, EXPORT_LIMIT)
    base = str(request.base_url).rstrip("/")
    if export_format is ExportFormat.JSON:
        body = _export_json(form, results, base)
        headers = {"Content-Disposition": 'attachment; filename="search-results.json"'}
        return Response(
            body.model_dump_json(),
            media_type="application/json",
            headers=headers,
        )
    headers = {"Content-Disposition": 'attachment; filename="search-results.csv"'}
    lines = _csv_lines(locale_of(request), results, base)
    return StreamingResponse(lines, media_type="text/csv; charset=utf-8", headers=headers)


def _export_json(form: SearchForm, results: service.ResultsPage, base: str) -> SearchExportRead:
    given = {
        "from": form.date_from,
        "to": form.date_to,
        "issuer": form.issuer,
        "region": form.region,
        "kind": form.kind,
        "language": form.language,
    }
    hits = []
    for hit in results.found.hits:
        reference = results.references.get(hit.external_id)
        doc_no, source = (reference.doc_no, reference.source) if reference else (None, None)
        hits.append(ExportedHitRead.of(hit, doc_no, source, base + document_url(hit)))
    return SearchExportRead(
        query=form.q,
        filters={name: value for name, value in given.items() if value},
        total=results.found.total,
        exported=len(hits),
        limit=EXPORT_LIMIT,
        hits=hits,
    )


def _csv_lines(locale: str, results: service.ResultsPage, base: str) -> Iterator[str]:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so spreadsheet programs read the Chinese text as UTF-8
    writer = csv.writer(buffer)
    writer.writerow([translate(locale, column) for column in CSV_COLUMNS])
    for rank, hit in enumerate(results.found.hits, start=1):
        reference = results.references.get(hit.external_id)
        fragments = hit.snippet.fragments()
        writer.writerow(
            [
                rank,
                hit.external_id,
                hit.position,
                hit.title,
                hit.issuer or "",
                reference.doc_no or "" if reference else "",
                hit.date_text or "",
                hit.region or "",
                label(locale, KIND_OF[hit.kind]) if hit.kind in KIND_OF else hit.kind,
                hit.language,
                round(Decimal(hit.score), 3),
                "; ".join(dict.fromkeys(text for text, marked in fragments if marked)),
                hit.snippet.text,
                base + document_url(hit),
            ]
        )
    yield buffer.getvalue()
