"""Browser fixtures: a uvicorn server on a free local port over its own small seeded SQLite
database, and Debian's headless Chromium driven by Playwright (never `playwright install`)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from kejin.bootstrap import Platform, bootstrap
from kejin.config import Settings
from kejin.web.app import create_app
from tests.factories import seed_enterprises

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_ENTERPRISES = 60


@dataclass(frozen=True)
class LiveServer:
    url: str
    codes: list[str]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(platform: Platform) -> Iterator[str]:
    """The application for `platform` served by uvicorn on a free local port; yields its URL."""
    port = _free_port()
    config = uvicorn.Config(create_app(platform), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the web server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def sqlite_platform(data_dir: Path) -> Platform:
    """A migrated platform over a new SQLite file in `data_dir`."""
    platform = bootstrap(
        Settings(data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'kejin.db'}", env="test")
    )
    platform.migrate()
    return platform


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    platform = sqlite_platform(tmp_path_factory.mktemp("browser-data"))
    codes = seed_enterprises(platform, BROWSER_ENTERPRISES)
    with serving(platform) as url:
        yield LiveServer(url=url, codes=codes)
    platform.dispose()


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
