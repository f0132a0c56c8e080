"""Settings, read once from the environment by `bootstrap` (never at import time).

- `KEJIN_DATA_DIR`: where the embedded database lives; default `$XDG_DATA_HOME/kejin`,
  else `~/.local/share/kejin`.
- `KEJIN_DATABASE_URL`: SQLAlchemy URL; default `sqlite:///<data dir>/kejin.db`; PostgreSQL in
  production (`postgresql://user@host:5432/kejin`).
- `KEJIN_ENV`: `development` (default), `test` or `production`.
- `KEJIN_SHARED_DIR`: the shared folder holding the real document corpus; default: a `shared`
  folder beside the working directory or the package, if one exists.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    database_url: str
    env: str = "development"
    shared_dir: Path | None = None

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
    )


def _find_shared_dir() -> Path | None:
    for start in (Path.cwd(), Path(__file__).resolve()):
        for parent in (start, *start.parents):
            candidate = parent.parent / "shared"
            if (candidate / "data" / "corpus").is_dir():
                return candidate
    return None
