"""The form in a real browser: Debian's Chromium (/usr/bin/chromium) driven by Playwright's Python
package, against the app served on 127.0.0.1 from a thread. No browser is downloaded: without
/usr/bin/chromium these tests skip and say how to enable them (``apt-get install chromium``).

Screenshots at desktop and phone width are written to ``test-artifacts/`` (gitignored); with
``GREENREC_DOCS_SCREENSHOT=1`` the desktop results page is also written to docs/results-page.png.
axe-core (the ``axe.min.js`` shipped in the axe-playwright-python package, installed with the dev
extras) checks each page for serious or critical WCAG violations.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

if not CHROMIUM.exists():
    pytest.skip(
        "browser tests need Debian's Chromium at /usr/bin/chromium: "
        "run `apt-get update && apt-get install -y chromium` to enable them",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[dev]'")
axe_package = pytest.importorskip("axe_playwright_python", reason="pip install -e '.[dev]'")
AXE_JS = Path(axe_package.__file__).parent / "axe.min.js"


@pytest.fixture(scope="module")
def base_url(form_app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, form_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(60_000)  # a shared CI machine may be slow to forecast
    yield page
    context.close()


def _shoot(page, name: str) -> None:
    """Screenshots at desktop and phone width; at phone width nothing may stick out sideways
    (wide charts and tables scroll inside their own box)."""
    ARTIFACTS.mkdir(exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    page.set_viewport_size(DESKTOP)


def _serious(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _submit(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Show my advice").click()


def test_pick_a_sample_and_see_the_advice(page, base_url) -> None:
    page.goto(base_url + "/")
    assert _serious(page) == []
    _shoot(page, "start")
    page.get_by_label("Sample household", exact=True).select_option("uk-0")
    _submit(page)
    assert page.get_by_role("heading", name="Your advice", level=1).is_visible()
    assert page.locator("li.card").count() >= 3
    assert page.locator("svg[role=img]").count() == 2
    assert _serious(page) == []
    _shoot(page, "results")
    if os.environ.get("GREENREC_DOCS_SCREENSHOT") == "1":
        shutil.copy(ARTIFACTS / "results-desktop.png", REPO / "docs" / "results-page.png")


@pytest.mark.parametrize("kind", ["green_button", "supplier_csv", "start_value"])
def test_upload_each_kind_of_meter_file(page, base_url, meter_files, kind: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Upload my meter export").check()
    page.get_by_label("Meter export", exact=True).set_input_files(str(meter_files[kind]))
    _submit(page)
    assert page.get_by_role("heading", name="Your advice", level=1).is_visible()


def test_a_malformed_file_shows_its_error_by_the_file_field(page, base_url, tmp_path) -> None:
    bad = tmp_path / "consumption.csv"
    bad.write_text(
        " Consumption (kWh), Start, End\nlots, 2024-01-01T00:00:00Z, 2024-01-01T01:00Z\n"
    )
    page.goto(base_url + "/")
    page.get_by_label("Upload my meter export").check()
    page.get_by_label("Meter export", exact=True).set_input_files(str(bad))
    _submit(page)
    file_input = page.get_by_label("Meter export", exact=True)
    assert file_input.get_attribute("aria-invalid") == "true"
    message = page.locator("#meter_file-error-1")
    assert "consumption.csv row 2, column Consumption (kWh)" in message.inner_text()
    assert "meter_file-error-1" in (file_input.get_attribute("aria-describedby") or "")
    assert page.get_by_role("alert").is_visible()  # the summary at the top links to the field
    assert _serious(page) == []
    _shoot(page, "error")


def test_accept_an_action_and_see_it_recorded(page, base_url, feedback_store) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Remember my answers", exact=False).check()
    _submit(page)
    first = page.locator("li.card").first
    action_id = first.get_attribute("id").removeprefix("action-")
    with page.expect_navigation():
        first.get_by_role("button", name="I'll do this").click()
    assert page.get_by_role("status").inner_text().startswith("Thank you")
    assert action_id in page.locator("ul.recorded").inner_text()
    events = feedback_store.events()
    assert ((events["action_id"] == action_id) & (events["event_type"] == "accepted")).any()
    assert _serious(page) == []


def test_the_form_works_with_javascript_off(browser, base_url) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(base_url + "/")
        _submit(page)
        assert page.get_by_role("heading", name="Your advice", level=1).is_visible()
    finally:
        context.close()


def test_keyboard_alone_reaches_main_and_sends_the_form(page, base_url) -> None:
    page.goto(base_url + "/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.get_by_role("button", name="Show my advice").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Your advice", level=1).is_visible()
