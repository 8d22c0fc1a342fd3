"""Browser tests: pages opened from disk in headless Chromium with no network (see cdp.py); the
``chromium`` fixture is in tests/conftest.py.

Without a Chromium they skip, saying how to install one, unless WORKBENCH_REQUIRE_BROWSER=1 (CI), which
makes a missing browser a failure. Mark every test here with ``pytestmark = pytest.mark.browser``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest
from cdp import Browser, OpenPage
from cdp import open_page as _open_page


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Browser]:
    """One headless Chromium for the session (each page still gets a browser context of its own)."""
    with Browser(chromium) as started:
        yield started


@pytest.fixture
def open_page(browser: Browser) -> OpenPage:
    """``open_page(path, width=1200, height=900)``: a context manager giving a :class:`cdp.Page`."""
    return functools.partial(_open_page, browser=browser)
