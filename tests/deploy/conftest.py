"""Deployment tests: several app processes behind a real nginx over one PostgreSQL, driven by Playwright
in headless Chromium. They run with the browser tests (marked ``browser``) and reuse their fixtures."""

from __future__ import annotations

import pytest

from tests.browser.conftest import browser, chromium_path, page, recorder  # noqa: F401  (fixtures)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/deploy" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
