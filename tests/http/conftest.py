"""A live `bpograph serve` for the HTTP tests: started once per session on a free port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from serving import W3C, running_server


@pytest.fixture(scope="session")
def embedded_server(tmp_path_factory) -> Iterator[str]:
    """The shipped knowledge graph served with a short time limit and a small row cap."""
    log = tmp_path_factory.mktemp("server") / "serve.log"
    with running_server("--timeout", "3", "--max-rows", "1000", log_path=log) as base:
        yield base


@pytest.fixture(scope="session")
def live_server(embedded_server) -> str:
    """The embedded store's server; a module whose tests must hold on both backends overrides
    this with :func:`any_server` (see :data:`BOTH_BACKENDS`)."""
    return embedded_server


@pytest.fixture(scope="session")
def endpoint(live_server) -> str:
    return live_server + "/sparql"


@pytest.fixture(scope="session")
def w3c_dir() -> Path:
    if not W3C.is_dir():
        pytest.skip(f"{W3C} is absent: the W3C SPARQL test suites cannot run")
    return W3C


@pytest.fixture(scope="session", params=["embedded", "virtuoso"])
def any_server(request) -> str:
    """The live server on each backend in turn: a test that takes it runs on both."""
    return request.getfixturevalue("embedded_server" if request.param == "embedded" else "remote_server")
