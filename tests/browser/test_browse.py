"""A person browsing in Debian's chromium, driven by Playwright, against a live `bpograph serve`."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def server(any_browser_server):
    """Every test here drives the pages on the embedded store and on Virtuoso."""
    return any_browser_server

pytestmark = pytest.mark.browser


@pytest.fixture()
def tab(browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def test_home_to_class_to_subclass_to_concept(server, tab):
    tab.goto(server + "/")
    tab.get_by_role("link", name="Kinds of outsourcing and call centres", exact=True).click()
    assert tab.get_by_role("heading", level=1).inner_text().startswith("kinds of outsourcing and call centres")
    tab.goto(server + "/def/CallCentre")
    tab.locator("ul.children").get_by_role("link", name="inbound call centre").click()
    assert tab.url.endswith("/def/InboundCallCentre")
    assert "sissetulev kõnekeskus" in tab.locator("h1").inner_text()
    tab.locator("table.statements").get_by_role("link", name="561422 Telemarketing Bureaus and Other Contact Centers").click()
    assert tab.url.endswith("/def/Naics561422")
    assert tab.locator("tr.definition td[lang=et]").inner_text().startswith("NAICS 2022 tegevusala 561422")


@pytest.mark.parametrize("typed", ["kõnekeskus", "konekeskus"])
def test_search_with_and_without_diacritics(server, tab, typed):
    tab.goto(server + "/")
    tab.locator("#site-q").fill(typed)
    tab.locator("#site-q").press("Enter")
    first = tab.locator("ol.results a").first
    assert first.inner_text() == "kõnekeskus"
    first.click()
    assert tab.url.endswith("/def/CallCentre")


def test_the_comparison_page_reads_in_both_languages(server, tab):
    tab.goto(server + "/comparison")
    cell = tab.locator("table.comparison").first.locator("tbody tr").nth(1).locator("td").first
    assert cell.locator("p[lang=et]").inner_text() == "Inimressursid, raamatupidamine jne."
    assert cell.locator("a.claim").inner_text() == "C34"


def test_pages_render_to_png(server, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    for path, name in (("/", "home"), ("/def/CallCentre", "entity"), ("/comparison", "comparison")):
        page.goto(server + path)
        target = tmp_path / f"{name}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000
    context.close()


def test_switching_the_interface_language_is_remembered(server, browser):
    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    tab = context.new_page()
    tab.goto(server + "/def/CallCentre")
    assert tab.locator("h2#texts").inner_text() == "Labels and definitions"
    tab.get_by_role("link", name="eesti keeles").click()
    assert tab.locator("h2#texts").inner_text() == "Sildid ja definitsioonid"
    tab.goto(server + "/def/BusinessProcessOutsourcing")
    assert tab.locator("html").get_attribute("lang") == "et"
    assert tab.locator("h1 span").first.inner_text() == "äriprotsesside allhange"
    context.close()


def test_run_an_example_query_in_the_editor_and_see_results(server, browser):
    context = browser.new_context()  # the query editor is the one page that needs JavaScript
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(server + "/examples/CQ01")
    tab.locator("a.open-editor").click()
    editor = tab.locator(".yasqe .CodeMirror:visible")
    editor.wait_for()
    assert "altLabel" in editor.inner_text()
    tab.locator(".yasqe_queryButton:visible").click()
    tab.locator(".yasr table td:visible").first.wait_for()
    assert "äriprotsesside allhange" in tab.locator(".yasr:visible").inner_text()
    assert errors == []
    context.close()


def test_search_suggestions_as_you_type_without_diacritics(server, browser):
    context = browser.new_context()  # suggestions are a progressive enhancement: JavaScript on
    tab = context.new_page()
    tab.goto(server + "/")
    tab.locator("#site-q").press_sequentially("konekesk", delay=30)
    options = tab.locator("#site-q-suggestions option")
    options.first.wait_for(state="attached")
    values = [options.nth(i).get_attribute("value") for i in range(options.count())]
    assert "kõnekeskus" in values
    context.close()


def test_download_a_dump_from_the_home_page(server, tab):
    from rdflib import Dataset

    tab.goto(server + "/")
    with tab.expect_download() as download_info:
        tab.locator("ul.downloads").get_by_role("link", name="TriG").click()
    download = download_info.value
    assert download.suggested_filename == "bpograph.trig"
    dataset = Dataset()
    dataset.parse(download.path(), format="trig")
    assert len(list(dataset.graphs())) > 10


def test_the_class_hierarchy_is_a_keyboard_operable_tree(server, browser):
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(server + "/")
    tree = tab.locator('[role="tree"]')
    items = tree.locator('[role="treeitem"]')
    assert [items.nth(i).get_attribute("tabindex") for i in range(3)] == ["0", "-1", "-1"]  # one tab stop
    outsourcing = tree.locator('a[href="/def/Outsourcing"]')
    outsourcing.focus()
    tab.keyboard.press("ArrowRight")  # expanded: into the first child
    assert tab.evaluate("document.activeElement.getAttribute('aria-level')") == "2"
    tab.keyboard.press("ArrowLeft")  # back to the parent
    assert tab.evaluate("document.activeElement.getAttribute('href')") == "/def/Outsourcing"
    tab.keyboard.press("ArrowLeft")  # collapse
    assert outsourcing.get_attribute("aria-expanded") == "false"
    assert not tree.locator('a[href="/def/BusinessProcessOutsourcing"]').is_visible()
    tab.keyboard.press("ArrowRight")  # expand again
    assert tree.locator('a[href="/def/BusinessProcessOutsourcing"]').is_visible()
    tab.keyboard.press("ArrowDown")
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/def/*")
    assert tab.locator("h1").inner_text()
    context.close()
