"""A real browser for the dashboard's tests: headless Chromium driven by selenium.

The browser starts once per session (per xdist worker) and each test loads the page afresh
against a server of its module, reset before the test. Without Chromium, chromedriver or
selenium the browser tests skip, saying what is missing, unless BC_BROWSER_REQUIRED is set
(as .ci/run sets it once it has installed them): then they fail.

After each test: its screenshot is saved in the test's tmp_path, and the page must have
logged no error to its console and run none of the scripts the tests smuggle into data
(they all set ``window.__xss``).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from tests.helpers import USA

WINDOW = (1440, 900)
WAIT_S = 5.0
CHROMIUM = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMEDRIVER = ("chromedriver",)


def _which(names: tuple[str, ...], extra: tuple[str, ...] = ()) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return next((path for path in extra if os.access(path, os.X_OK)), None)


@pytest.fixture(scope="session")
def chrome_driver() -> Iterator:
    missing = []
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing.append("selenium (pip install -e '.[test]')")
    chromium = _which(CHROMIUM)
    driver_path = _which(CHROMEDRIVER, ("/usr/lib/chromium/chromedriver",))
    if chromium is None:
        missing.append("Chromium (apt-get install chromium)")
    if driver_path is None:
        missing.append("chromedriver (apt-get install chromium-driver)")
    if missing:
        reason = f"the dashboard's browser tests need {' and '.join(missing)}"
        if os.environ.get("BC_BROWSER_REQUIRED"):
            pytest.fail(f"{reason}; BC_BROWSER_REQUIRED is set, so they must run", pytrace=False)
        pytest.skip(reason)
    options = Options()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--lang=en-US",
    ):
        options.add_argument(argument)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        options.add_argument("--no-sandbox")  # Chromium's sandbox refuses to run as root
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def mock_url(start_bc_mock_for_module) -> str:
    """This module's server (the tests reset it and read its whole journal)."""
    return start_bc_mock_for_module().url


class Page:
    """The dashboard in the browser, and the server behind it."""

    def __init__(self, driver, url: str, shots: Path):
        self.driver = driver
        self.url = url
        self.api = f"{url}/api/v2.0"
        self.company = f"{self.api}/companies({USA})"
        self.shots = shots

    def open(self, view: str = "requests", shown: str | None = None) -> Page:
        """Load the page at a view; wait until it shows (``shown``: the view it should show)."""
        self.driver.get(f"{self.url}/_mock/#{view}")
        shown = shown or view
        visible = f"return !document.getElementById('view-{shown}').hidden"
        self.wait(lambda: self.js(visible), what=f"the {shown} view")
        if shown == "requests":
            self.wait(lambda: self.js("return document.documentElement.dataset.firstRows === 'shown'"))
        return self

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def wait(self, condition: Callable[[], object], timeout: float = WAIT_S, what: str = "") -> object:
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = condition()
            except Exception:  # an element being redrawn: try again
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                self.screenshot("timeout")
                raise AssertionError(f"timed out after {timeout} s waiting for {what or condition}")
            time.sleep(0.05)

    def find(self, css: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list:
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self, css: str) -> str:
        return self.js("const n = document.querySelector(arguments[0]); return n && n.textContent;", css)

    def rows(self) -> list[dict]:
        """The requests table, top (newest) first: id, method, path, status, fault of each row."""
        return self.js(
            """return [...document.querySelectorAll('#requests-body tr')].map(tr => ({
                id: Number(tr.dataset.id), method: tr.cells[2].textContent, path: tr.cells[3].textContent,
                status: tr.cells[4].textContent, fault: tr.cells[7].textContent}))"""
        )

    def headers(self, part: str) -> dict[str, str]:
        """The headers the detail shows for its ``request`` or ``response``."""
        return self.js(
            """return Object.fromEntries([...document.querySelectorAll(
                `#detail-content .part.${arguments[0]} table.headers tr`)].map(
                tr => [tr.cells[0].textContent, tr.cells[1].textContent]))""",
            part,
        )

    def wait_rows(self, check: Callable[[list[dict]], bool], what: str = "rows") -> list[dict]:
        found: list[dict] = []

        def ready() -> bool:
            nonlocal found
            found = self.rows()
            return check(found)

        self.wait(ready, what=what)
        return found

    def choose(self, css: str, value: str) -> None:
        """Pick an option of a select (as a person would, with the change event)."""
        from selenium.webdriver.support.ui import Select

        Select(self.find(css)).select_by_value(value)

    def type(self, css: str, text: str) -> None:
        field = self.find(css)
        field.clear()
        field.send_keys(text)

    def click(self, css: str) -> None:
        self.find(css).click()

    def screenshot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def console_errors(self) -> list[dict]:
        return [entry for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]


@pytest.fixture
def page(chrome_driver, mock_url, tmp_path, request) -> Iterator[Page]:
    """The dashboard of a server reset for this test; afterwards its screenshot (tmp_path), and
    no console error nor smuggled script run."""
    requests.post(f"{mock_url}/_mock/reset", timeout=10).raise_for_status()
    chrome_driver.get("about:blank")
    chrome_driver.get_log("browser")  # what earlier tests left in the log
    dashboard = Page(chrome_driver, mock_url, tmp_path)
    yield dashboard
    dashboard.screenshot(request.node.name[:80])
    errors = dashboard.console_errors()
    allowed = request.node.get_closest_marker("console_errors")
    if allowed:  # a test that makes bc_mock refuse something on purpose: the browser logs the 4xx
        errors = [e for e in errors if not any(text in e["message"] for text in allowed.args)]
    assert errors == [], f"the page logged errors: {errors}"
    assert dashboard.js("return typeof window.__xss") == "undefined", "a script smuggled into data ran"
