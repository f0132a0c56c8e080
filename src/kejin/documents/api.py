"""Document-library JSON API under `/api/v1`: every signed-in user reads the library; platform
administrators and government analysts upload documents (multipart: the file and optional
metadata fields); platform administrators delete them. API tokens are not accepted here."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Path, Query, UploadFile

from kejin.documents import queries, service
from kejin.documents.schemas import (
    DocumentAdded,
    DocumentDeleted,
    DocumentDetailRead,
    DocumentFields,
    DocumentFilters,
    DocumentPage,
)
from kejin.documents.service import Upload
from kejin.identity.model import Principal, Role
from kejin.web.deps import PageDep, PlatformDep
from kejin.web.policy import allow, signed_in
from kejin.web.problems import problem_responses

UPLOAD_PATH = "/api/v1/documents"
Reader = Annotated[Principal, Depends(signed_in)]
Uploader = Annotated[Principal, Depends(allow(Role.PLATFORM_ADMIN, Role.GOVERNMENT_ANALYST))]
Deleter = Annotated[Principal, Depends(allow(Role.PLATFORM_ADMIN))]
ExternalId = Annotated[str, Path(description="the document's external id", max_length=64)]

router = APIRouter(prefix="/api/v1", tags=["documents"])


@router.get("/documents", responses=problem_responses(401, 403, 422))
def list_documents(
    platform: PlatformDep,
    _reader: Reader,
    filters: Annotated[DocumentFilters, Query()],
    page: PageDep,
) -> DocumentPage:
    """Stored documents matching the filters, newest publication first, one page at a time."""
    return DocumentPage.of(queries.list_documents(platform.uow, filters.criteria(), page))


@router.get("/documents/{external_id}", responses=problem_responses(401, 403, 404))
def get_document(
    platform: PlatformDep, _reader: Reader, external_id: ExternalId
) -> DocumentDetailRead:
    """One document's metadata and its paragraphs; `[external_id, position]` cites one."""
    return DocumentDetailRead.of(*queries.document_with_paragraphs(platform.uow, external_id))


@router.post("/documents", status_code=201, responses=problem_responses(401, 403, 409, 413, 422))
def upload_document(
    platform: PlatformDep,
    principal: Uploader,
    file: Annotated[UploadFile, File(description=".txt, .md, .html, .pdf or .docx")],
    fields: Annotated[DocumentFields, Form()],
) -> DocumentAdded:
    """Store the one document of an uploaded file; the fields given override what the file
    carries. The same content stored before is answered with that document, marked
    `already_present`."""
    limit = platform.settings.document_max_bytes
    name = PurePosixPath(file.filename or "").name
    upload = Upload(name, file.file.read(limit + 1), fields.encoding)
    ref = service.upload_document(platform, principal, upload, fields.overrides())
    return DocumentAdded.of(ref)


@router.delete("/documents/{external_id}", responses=problem_responses(401, 403, 404))
def delete_document(
    platform: PlatformDep, principal: Deleter, external_id: ExternalId
) -> DocumentDeleted:
    """Delete a document and its paragraphs; the deletion log and the audit log record it."""
    return DocumentDeleted.of(service.delete_document(platform.uow, principal, external_id))
