"""With ?lang=et the whole interface speaks Estonian: on every kind of page, no English word
stands outside an element marked lang="en" (where the other language is shown side by side) or
a piece of code (IRIs, prefixed names, queries)."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup, NavigableString

from http_client import fetch

PAGES = ["/", "/docs", "/def/CallCentre", "/def/Organisation", "/def/BusinessProcessOutsourcing", "/def/KindsScheme",
         "/def/callDirection", "/def/Inbound", "/comparison", "/claim/C05", "/claim/X08", "/source/article",
         "/search?q=k%C3%B5ne", "/search?q=call", "/search?q=zzzz", "/index/et", "/index/en", "/examples", "/examples/CQ21",
         "/examples/CQ04", "/ontology", "/ontology/core", "/graph/ontology/core", "/query", "/def/NoSuchTerm",
         "/example/acme", "/agent/contributors"]

#: Words of English that are not words of Estonian: any of them on an Estonian page, outside
#: what is marked as English or as code, is an interface string left untranslated.
ENGLISH = set("""
the of and with for from this that which what where when other every own our your
search results result label labels preferred alternative definition definitions description title type types source sources
property properties value values broader narrower query queries data examples example download downloads statistics
class classes individuals modules module domain range superclasses term terms graph graphs named triples found home
answer rows row claims claim open editor raw comparison table main differences parameter difference index language
previous next showing linked contradictions hierarchy provenance mappings statements statement note scope editorial
text quote reading translation missing skip content kinds ontology vocabulary whole dataset merged file files
concept concepts schemes scheme side run time limit default format prefixes declared wins endpoint returns
service served below knows nothing about match exact close related equivalent rests path carries links
""".split())
CODE = {"code", "pre", "script", "style", "kbd", "samp", "svg", "textarea"}
#: Names of formats and paths, which read the same in both languages.
NEUTRAL = re.compile(r"https?://\S+|\S*/\S*|N-Triples|N-Quads|JSON-LD|RDF/XML|TriG|Turtle")


def english_words(html: bytes) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for text in soup.find_all(string=True):
        if not isinstance(text, NavigableString) or not text.strip():
            continue
        parents = list(text.parents)
        if any(p.name in CODE for p in parents) or any("iri" in (p.get("class") or []) for p in parents if p.name):
            continue
        lang = next((p.get("lang") for p in parents if p.name and p.get("lang")), None)
        if lang != "et":
            continue
        words = re.findall(r"[A-Za-z]+", NEUTRAL.sub("", str(text)))
        found += [w for w in words if w.lower() in ENGLISH]
    for element in soup.find_all(attrs={"title": True}) + soup.find_all(attrs={"aria-label": True}) + soup.find_all(attrs={"placeholder": True}):
        lang = element.get("lang") or next((p.get("lang") for p in element.parents if p.name and p.get("lang")), None)
        for attribute in ("aria-label", "placeholder") + (("title",) if lang == "et" else ()):
            found += [w for w in re.findall(r"[A-Za-z]+", NEUTRAL.sub("", element.get(attribute, ""))) if w.lower() in ENGLISH]
    return found


@pytest.mark.parametrize("path", PAGES)
def test_an_estonian_page_has_no_english_interface_string(live_server, path):
    reply = fetch("GET", live_server + path + ("&" if "?" in path else "?") + "lang=et", headers={"Accept": "text/html"})
    assert reply.status in (200, 404)
    assert BeautifulSoup(reply.body, "html.parser").html["lang"] == "et"
    assert english_words(reply.body) == [], path


def test_the_check_finds_english_on_the_english_pages(live_server):
    """The same check on the English pages finds English: it is able to fail."""
    reply = fetch("GET", live_server + "/def/CallCentre?lang=en", headers={"Accept": "text/html"})
    html = reply.body.replace(b'<html lang="en">', b'<html lang="et">')
    assert len(english_words(html)) > 10
