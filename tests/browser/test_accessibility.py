"""Accessibility: axe-core (WCAG 2.1 AA) in Debian's chromium finds no serious or critical
violation, and the main content is reachable by keyboard alone."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser
PAGES = ["/", "/def/CallCentre", "/search?q=konekeskus", "/comparison", "/docs", "/index/et"]


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_or_critical_wcag_violations(server, browser, path):
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    page.goto(server + path)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in serious]
    assert results.response["passes"], "axe ran no check at all"
    page.close()


def test_the_main_content_is_reachable_by_keyboard(server, browser):
    page = browser.new_page()
    page.goto(server + "/def/CallCentre")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") in ("Skip to content", "Sisu juurde")
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    page.close()
