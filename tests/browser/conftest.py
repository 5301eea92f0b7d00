"""The browser test runs only when asked for.

It needs a built book and a headless Chromium, and takes about a
minute, so a plain ``pytest tests/`` (``make test-fast``) skips it.
``make test-browser`` (and ``make test``, when Chromium is installed)
sets ``NNBOOK_BROWSER=1`` to run it.
"""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config, items):
    if os.environ.get("NNBOOK_BROWSER") == "1":
        return
    skip = pytest.mark.skip(
        reason="browser test: run `make test-browser` "
               "(or set NNBOOK_BROWSER=1)")
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(skip)
