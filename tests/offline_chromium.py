"""Headless Chromium from Debian, driven by Selenium, with the network disabled: what the
browser tests of the reports open their pages in.  Skips when Selenium, chromium or
chromium-driver is missing (scripts/setup.sh installs them)."""

import contextlib
import os
import shutil
import tempfile

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@contextlib.contextmanager
def headless_chromium():
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.skip("needs chromium and chromium-driver (scripts/setup.sh installs them)")
    profile = tempfile.mkdtemp(prefix="imsflow-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", "--window-size=1400,1000",
                 # Nothing may come from the network: every host name fails to resolve.
                 "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost"):
        opts.add_argument(flag)
    # The system chromedriver, given by path: Selenium Manager never downloads a browser or driver.
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
