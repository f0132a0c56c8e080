"""Secrets of identity: argon2 password hashes, random tokens and their stored digests.

Session ids, API tokens and invitation tokens are long random strings, so a SHA-256 digest is
enough to store them; passwords are low-entropy and get argon2id.
"""

from __future__ import annotations

import hashlib
import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kejin.identity.model import TOKEN_ID_LENGTH, format_api_token

HASHER = PasswordHasher()
TOKEN_ID_ALPHABET = string.ascii_lowercase + string.digits
# Verified against when the login is unknown, so both answers take about as long.
_DUMMY_HASH = HASHER.hash("not-a-real-password-for-timing")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Check `password` against `stored_hash` (None: an unknown login, checked against a dummy)."""
    try:
        return HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def random_token() -> str:
    """A URL-safe random secret (256 bits) for sessions, invitations and CSRF."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """The stored form of a random token: its SHA-256 in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_api_token() -> tuple[str, str]:
    """`(prefix, full token text)` of a fresh API token; the prefix tells tokens apart."""
    token_id = "".join(secrets.choice(TOKEN_ID_ALPHABET) for _ in range(TOKEN_ID_LENGTH))
    return token_id, format_api_token(token_id, random_token())
