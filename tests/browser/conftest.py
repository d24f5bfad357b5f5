"""One live `bpograph serve` for the browser tests (the chromium they drive is in tests/conftest.py)."""

from __future__ import annotations

import pytest

from serving import running_server


@pytest.fixture(scope="session")
def browser_server(tmp_path_factory):
    with running_server(log_path=tmp_path_factory.mktemp("browser") / "serve.log") as base:
        yield base


@pytest.fixture(scope="session")
def server(browser_server):
    """The embedded store's server; tests/browser/test_browse.py takes both backends in turn."""
    return browser_server


@pytest.fixture(scope="session", params=["embedded", "virtuoso"])
def any_browser_server(request):
    """The browser tests' server on each backend in turn (the pages must work the same)."""
    return request.getfixturevalue("browser_server" if request.param == "embedded" else "remote_server")
