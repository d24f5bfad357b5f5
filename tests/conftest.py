"""Fixtures shared by every test: the shipped dataset and graphs, a CLI runner, ../shared."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bpograph.dataset import load_shipped
from bpograph.validate import knowledge_graph, shapes_graph

TESTS = Path(__file__).parent
DATA = TESTS / "data"


@pytest.fixture(scope="session")
def shipped():
    """The shipped Dataset (ontology, data and shapes, one named graph per file)."""
    return load_shipped()


@pytest.fixture(scope="session")
def knowledge():
    """The shipped ontology and example data merged into one Graph."""
    return knowledge_graph()


@pytest.fixture(scope="session")
def shapes():
    """The shipped SHACL shapes merged into one Graph."""
    return shapes_graph()


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The project's shared/ folder (seed article, references, W3C tests); skip where absent."""
    candidate = TESTS.parent.parent / "shared"
    if not candidate.is_dir():
        pytest.skip(f"{candidate} is absent: tests that read the shared specification cannot run")
    return candidate


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# No background traffic: this machine's network is closed, and the tests must not depend on it.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


# ---------------------------------------------------------------- the remote store


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """A real Virtuoso 7 on loopback with a scratch database, for the whole session."""
    from virtuoso import running_virtuoso

    with running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as store:
        yield store


@pytest.fixture(scope="session")
def remote_server(tmp_path_factory, virtuoso) -> Iterator[str]:
    """`bpograph serve --backend` over that Virtuoso, with the live server's limits; it loads the
    shipped graph into the store as it starts."""
    from serving import running_server

    log = tmp_path_factory.mktemp("remote-server") / "serve.log"
    with running_server("--timeout", "3", "--max-rows", "1000", "--backend", virtuoso.sparql, log_path=log,
                        env=virtuoso.environment) as base:
        yield base
