"""Every link bpograph serves resolves: a crawler follows every internal link of every page (in
both interface languages) and requires a 2xx for each."""

from __future__ import annotations

import urllib.parse
from collections import deque
from concurrent.futures import ThreadPoolExecutor

from bs4 import BeautifulSoup

from http_client import fetch

#: What an HTML page can point at that a browser would fetch or follow.
LINKING = (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("form", "action"))


def _links(base: str, path: str, html: bytes) -> set[str]:
    found = set()
    for tag, attribute in LINKING:
        for element in BeautifulSoup(html, "html.parser").find_all(tag):
            target = element.get(attribute)
            if not target or target.startswith("#"):
                continue
            if tag == "form" and (element.get("method") or "get").lower() != "get":
                continue
            absolute = urllib.parse.urljoin(base + path, target)
            if absolute.startswith(base + "/"):
                found.add(urllib.parse.urldefrag(absolute).url[len(base):])
    return found


def crawl(base: str, starts: list[str]) -> dict[str, int]:
    """Breadth-first over every internal link: path -> status."""
    seen: dict[str, int] = {}
    queue = deque(starts)
    queued = set(starts)
    with ThreadPoolExecutor(4) as pool:
        while queue:
            batch = [queue.popleft() for _ in range(min(len(queue), 32))]
            for path, reply in zip(batch, pool.map(lambda p: fetch("GET", base + p, headers={"Accept": "text/html"}), batch)):
                seen[path] = reply.status
                if reply.status == 200 and reply.headers.get_content_type() == "text/html":
                    for link in _links(base, path, reply.body) - queued:
                        queued.add(link)
                        queue.append(link)
    return seen


def test_every_internal_link_of_every_page_resolves(live_server):
    seen = crawl(live_server, ["/", "/?lang=et", "/favicon.ico", "/sparql"])
    broken = {path: status for path, status in seen.items() if not 200 <= status < 300}
    assert not broken, f"{len(broken)} of {len(seen)} links fail: {sorted(broken.items())[:20]}"
    assert len(seen) > 1500  # the crawl reached the whole site, not a few pages
    # what the crawl must have passed through
    for path in ("/ontology.ttl", "/ontology.rdf", "/ontology.jsonld", "/ontology.nt", "/def/CallCentre", "/docs"):
        assert path in seen, path
    print(f"links crawled: {len(seen)}")


def test_favicon(live_server):
    reply = fetch("GET", live_server + "/favicon.ico")
    assert reply.status == 200 and reply.headers.get_content_type() in ("image/svg+xml", "image/x-icon", "image/vnd.microsoft.icon")
    assert len(reply.body) > 50
