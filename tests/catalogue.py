"""Catalogue test data: the shipped catalogue in the database, and staff of its providers."""

from __future__ import annotations

from sqlalchemy import select

from kejin.bootstrap import Platform
from kejin.identity.credentials import hash_password
from kejin.identity.model import Role
from kejin.identity.orm import UserRow
from kejin.products import demo
from kejin.products.orm import ProviderRow
from kejin.products.schemas import ImportReport
from tests.factories import PASSWORD

POINTS_LOAN = "bank.kcb.points"  # 科创城市银行's innovation-points loan; children[0] ≥ 400 points
OWN_BANK = "kechuang_city_bank"
OTHER_BANK = "bay_tech_bank"


def seed_catalogue(platform: Platform) -> ImportReport:
    return demo.seed_catalogue(platform.uow)


def provider_staff(
    platform: Platform, provider: str, login: str, role: Role = Role.BANK_OFFICER
) -> int:
    """An active account working at the institution behind `provider`; returns its id."""
    with platform.uow() as work:
        institution_id = work.session.scalar(
            select(ProviderRow.institution_id).where(ProviderRow.code == provider)
        )
        user = UserRow(
            login=login,
            display_name=login.title(),
            role=role,
            institution_id=institution_id,
            password_hash=hash_password(PASSWORD),
            active=True,
            failed_logins=0,
        )
        work.session.add(user)
        work.session.flush()
        work.commit()
        return user.id
