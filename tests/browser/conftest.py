"""Browser tests: pages opened from disk in headless Chromium with no network (see cdp.py).

Without a Chromium they skip, saying how to install one, unless WORKBENCH_REQUIRE_BROWSER=1 (CI), which
makes a missing browser a failure. Mark every test here with ``pytestmark = pytest.mark.browser``.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator

import pytest
from cdp import INSTALL_HINT, Browser, OpenPage, find_chromium
from cdp import open_page as _open_page


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium to test with; without one the test skips, or fails if WORKBENCH_REQUIRE_BROWSER=1."""
    found = find_chromium()
    if found is None:
        message = f"no Chromium found: {INSTALL_HINT}, then run `.venv/bin/python -m pytest -m browser`"
        if os.environ.get("WORKBENCH_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required (WORKBENCH_REQUIRE_BROWSER=1) but {message}")
        pytest.skip(f"{message}; browser tests skipped")
    return found


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Browser]:
    """One headless Chromium for the session (each page still gets a browser context of its own)."""
    with Browser(chromium) as started:
        yield started


@pytest.fixture
def open_page(browser: Browser) -> OpenPage:
    """``open_page(path, width=1200, height=900)``: a context manager giving a :class:`cdp.Page`."""
    return functools.partial(_open_page, browser=browser)
