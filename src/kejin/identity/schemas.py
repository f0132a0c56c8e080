"""Identity API and page contracts: what is read and written about institutions, users,
invitations and API tokens. No schema carries a password or token hash."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from kejin.identity.model import InstitutionKind, Role, TokenScope


class InstitutionCreate(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    kind: InstitutionKind
    uscc: str | None = Field(default=None, max_length=18)


class InstitutionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: InstitutionKind
    uscc: str | None


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    login: str
    display_name: str
    role: Role
    institution_id: int | None
    enterprise_id: int | None
    active: bool


class EnterpriseSignUp(BaseModel):
    uscc: str = Field(max_length=40)
    enterprise_name: str = Field(max_length=200)
    login: str = Field(min_length=3, max_length=120)
    display_name: str = Field(min_length=1, max_length=120)
    password: str = Field(max_length=200)


class MemberCreate(BaseModel):
    login: str = Field(min_length=3, max_length=120)
    display_name: str = Field(min_length=1, max_length=120)
    password: str = Field(max_length=200)


class InvitationCreate(BaseModel):
    institution_id: int
    role: Role
    login: str = Field(min_length=3, max_length=120)


class InvitationIssued(BaseModel):
    """The invitation token, shown once to the inviting admin to pass on."""

    id: int
    login: str
    token: str
    expires_at: datetime


class ApiTokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    scopes: list[TokenScope] = Field(min_length=1)
    days: int = Field(default=90, ge=1, le=365)


class ApiTokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiTokenIssued(ApiTokenRead):
    """A new token with its secret text, returned once and never stored."""

    token: str
