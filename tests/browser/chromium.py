"""Headless Chromium for the browser tests (Debian's chromium package).

One launcher for every test in this folder: the same flags, the same
logging, the same rule that any host but 127.0.0.1 fails to resolve.
"""

from __future__ import annotations

import os

import pytest

CHROMIUM = os.environ.get("NNBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("NNBOOK_CHROMEDRIVER", "/usr/bin/chromedriver")
HOST = "127.0.0.1"


def skip_without_chromium() -> None:
    """Skip the calling test module when Chromium or its driver is absent."""
    for exe in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
            pytest.skip(f"no {exe}: install Debian's chromium and "
                        "chromium-driver to run the browser test",
                        allow_module_level=True)
    pytest.importorskip("selenium.webdriver")


def launch(profile: str):
    """A headless Chromium WebDriver with a fresh profile in ``profile``."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
        "--no-default-browser-check", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
        "--disable-extensions", "--no-proxy-server",
        "--window-size=1280,900", f"--user-data-dir={profile}",
        # Any other host fails to resolve at once: a page that needs the
        # network shows up as an external request, never as a hang.
        f"--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE {HOST}",
    ):
        options.add_argument(arg)
    options.set_capability(
        "goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # No proxy between selenium and chromedriver either.
    for var in ("NO_PROXY", "no_proxy"):
        os.environ[var] = ",".join(
            filter(None, (os.environ.get(var), HOST, "localhost")))
    drv = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER),
                           options=options)
    drv.set_page_load_timeout(60)
    drv.set_script_timeout(60)
    return drv
