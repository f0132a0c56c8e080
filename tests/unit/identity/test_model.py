"""Pure identity rules: password policy, throttling windows, session expiry, token format."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kejin.identity.credentials import digest, hash_password, new_api_token, password_matches
from kejin.identity.model import (
    LOCKOUT,
    SESSION_ABSOLUTE,
    SESSION_IDLE,
    InstitutionKind,
    Role,
    as_utc,
    locked_until,
    parse_api_token,
    password_problems,
    role_fits_institution,
    session_expired,
)

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("login", "password", "reasons"),
    [
        ("alice", "long enough pass", 0),
        ("alice", "short", 1),
        ("alice-long-login", "ALICE-LONG-LOGIN", 1),
        ("alice", "x" * 201, 1),
    ],
)
def test_password_policy_names_each_broken_rule(login: str, password: str, reasons: int) -> None:
    assert len(password_problems(login, password)) == reasons


def test_five_failures_within_the_window_lock_until_fifteen_minutes_after_the_last() -> None:
    failures = [NOW - timedelta(minutes=m) for m in (1, 2, 3, 4, 5)]
    assert locked_until(failures, NOW, 5) == NOW - timedelta(minutes=1) + LOCKOUT


def test_failures_older_than_the_window_do_not_count() -> None:
    failures = [NOW - LOCKOUT - timedelta(seconds=1)] + [NOW - timedelta(minutes=1)] * 4
    assert locked_until(failures, NOW, 5) is None


def test_sessions_expire_when_idle_or_too_old() -> None:
    assert not session_expired(NOW, NOW, NOW + SESSION_IDLE)
    assert session_expired(NOW, NOW, NOW + SESSION_IDLE + timedelta(seconds=1))
    fresh_use = NOW + SESSION_ABSOLUTE
    assert session_expired(NOW, fresh_use, fresh_use + timedelta(seconds=1))


def test_api_tokens_parse_back_to_their_prefix() -> None:
    prefix, text = new_api_token()
    assert text.startswith(f"kejin_{prefix}_")
    assert parse_api_token(text) == (prefix, text.split("_", 2)[2])


@pytest.mark.parametrize(
    "text", ["", "kejin", "kejin__abc", "other_abcdefgh_" + "x" * 40, "kejin_abc_" + "x" * 40,
             "kejin_abcdefgh_short"]
)
def test_malformed_api_tokens_are_refused(text: str) -> None:
    assert parse_api_token(text) is None


def test_token_digests_are_stable_and_hide_the_token() -> None:
    assert digest("abc") == digest("abc")
    assert "abc" not in digest("abc")
    assert len(digest("abc")) == 64


def test_argon2_hashes_verify_only_the_right_password() -> None:
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert password_matches(stored, "correct horse battery")
    assert not password_matches(stored, "wrong horse battery")
    assert not password_matches(None, "correct horse battery")
    assert not password_matches("not a hash", "x")


def test_institutional_roles_belong_to_their_institution_kinds() -> None:
    assert role_fits_institution(Role.BANK_OFFICER, InstitutionKind.GUARANTOR)
    assert not role_fits_institution(Role.BANK_OFFICER, InstitutionKind.FUND_MANAGER)
    assert not role_fits_institution(Role.ENTERPRISE_ADMIN, InstitutionKind.BANK)


def test_naive_stored_times_are_read_as_utc() -> None:
    assert as_utc(datetime(2026, 1, 1)) == datetime(2026, 1, 1, tzinfo=UTC)  # noqa: DTZ001
