"""No page scrolls sideways: a real browser (Debian's chromium) at a phone's width (390 px) and
a laptop's (1,280 px), in both interface languages."""

from __future__ import annotations

import pytest

PAGES = ["/", "/docs", "/def/CallCentre", "/def/Organisation", "/def/BusinessProcessOutsourcing", "/comparison",
         "/claim/C05", "/search?q=call", "/index/et", "/index/en", "/examples", "/examples/CQ21", "/ontology",
         "/graph/ontology/core", "/query", "/def/KindsScheme"]


@pytest.fixture(scope="module", params=[390, 1280], ids=["phone", "laptop"])
def tab(browser, request):
    context = browser.new_context(viewport={"width": request.param, "height": 800})
    yield context.new_page(), request.param
    context.close()


@pytest.mark.parametrize("lang", ["en", "et"])
def test_no_page_is_wider_than_the_window(server, tab, lang):
    page, width = tab
    too_wide = {}
    for path in PAGES:
        page.goto(server + path + ("&" if "?" in path else "?") + f"lang={lang}")
        page.wait_for_load_state("load")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            too_wide[path] = scroll
    assert not too_wide, f"wider than {width} px: {too_wide}"
