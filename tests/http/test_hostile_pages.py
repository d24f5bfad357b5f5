"""Pages over data that tries to attack their readers: IRIs with javascript:, data: or file:
schemes are shown, never linked; direction overrides in labels are isolated, so they cannot
reverse the text around them."""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from http_client import fetch
from serving import running_server

HOSTILE = Path(__file__).parents[1] / "data" / "hostile" / "links.ttl"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server("--data", str(HOSTILE), log_path=tmp_path_factory.mktemp("hostile") / "serve.log") as found:
        yield found


def test_unsafe_iris_are_shown_but_not_linked(base):
    reply = fetch("GET", base + "/def/HostileThing", headers={"Accept": "text/html"})
    assert reply.status == 200
    page = BeautifulSoup(reply.text, "html.parser")
    targets = [a["href"] for a in page.find_all("a", href=True)]
    assert not [t for t in targets if t.lower().startswith(("javascript:", "data:", "file:"))], targets
    assert "https://example.org/fine" in targets
    shown = page.get_text()
    assert "javascript:alert(1)" in shown and "file:///etc/passwd" in shown


def test_direction_overrides_are_isolated(base):
    reply = fetch("GET", base + "/def/HostileThing", headers={"Accept": "text/html"})
    assert "\u202e" in reply.text
    for position in [i for i, c in enumerate(reply.text) if c == "\u202e"]:
        before = reply.text.rfind("\u2068", 0, position)
        after = reply.text.find("\u2069", position)
        assert before != -1 and after != -1 and reply.text.find("\u2069", before, position) == -1, reply.text[position - 40:position + 40]


def test_search_and_index_isolate_them_too(base):
    for path in ("/search?q=evil", "/index/en"):
        text = fetch("GET", base + path, headers={"Accept": "text/html"}).text
        assert "\u2068evil\u202etxt.exe\u2069" in text, path
