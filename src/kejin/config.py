"""Settings, read once from the environment by `bootstrap` (never at import time).

- `KEJIN_DATA_DIR`: where the embedded database lives; default `$XDG_DATA_HOME/kejin`,
  else `~/.local/share/kejin`.
- `KEJIN_DATABASE_URL`: SQLAlchemy URL; default `sqlite:///<data dir>/kejin.db`; PostgreSQL in
  production (`postgresql://user@host:5432/kejin`).
- `KEJIN_ENV`: `development` (default), `test` or `production`.
- `KEJIN_SECRET_KEY`: signs the anonymous CSRF tokens; required (and not the development
  default) outside `development` and `test` — the platform refuses to start otherwise.
- `KEJIN_SHARED_DIR`: the shared folder holding the real document corpus; default: a `shared`
  folder beside the working directory or the package, if one exists.
- `KEJIN_DOCUMENT_MAX_BYTES`: the largest document file `kejin docs add` and the upload API
  accept, in bytes; default 20 MB (20,971,520).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEVELOPMENT_SECRET = "kejin-development-secret-not-for-production"  # noqa: S105 - refused outside development
INSECURE_ENVS = frozenset({"development", "test"})
MIN_SECRET_LENGTH = 32
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


class InsecureSettings(RuntimeError):
    """Settings that must not run: a default or missing secret key outside development."""


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    database_url: str
    env: str = "development"
    shared_dir: Path | None = None
    secret_key: str = DEVELOPMENT_SECRET
    document_max_bytes: int = DOCUMENT_MAX_BYTES

    def __post_init__(self) -> None:
        if self.document_max_bytes < 1:
            raise ValueError("KEJIN_DOCUMENT_MAX_BYTES must be a positive number of bytes")
        if self.env in INSECURE_ENVS:
            return
        if self.secret_key == DEVELOPMENT_SECRET or len(self.secret_key) < MIN_SECRET_LENGTH:
            raise InsecureSettings(
                f"KEJIN_SECRET_KEY must be set to a random string of at least "
                f"{MIN_SECRET_LENGTH} characters when KEJIN_ENV={self.env}; "
                "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def default_data_dir(environ: Mapping[str, str]) -> Path:
    xdg = environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "kejin"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    data_dir = Path(env.get("KEJIN_DATA_DIR") or default_data_dir(env)).expanduser()
    url = env.get("KEJIN_DATABASE_URL") or f"sqlite:///{data_dir / 'kejin.db'}"
    shared = env.get("KEJIN_SHARED_DIR")
    shared_dir = Path(shared) if shared else _find_shared_dir()
    return Settings(
        data_dir=data_dir,
        database_url=url,
        env=env.get("KEJIN_ENV", "development"),
        shared_dir=shared_dir,
        secret_key=env.get("KEJIN_SECRET_KEY") or DEVELOPMENT_SECRET,
        document_max_bytes=_whole_number(env, "KEJIN_DOCUMENT_MAX_BYTES", DOCUMENT_MAX_BYTES),
    )


def _whole_number(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name)
    if not value:
        return default
    if not value.strip().isdigit():
        raise ValueError(f"{name} must be a whole number of bytes, not {value!r}")
    return int(value)


def _find_shared_dir() -> Path | None:
    for start in (Path.cwd(), Path(__file__).resolve()):
        for parent in (start, *start.parents):
            candidate = parent.parent / "shared"
            if (candidate / "data" / "corpus").is_dir():
                return candidate
    return None
