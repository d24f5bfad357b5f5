"""One live `bpograph serve` for the browser tests (the chromium they drive is in tests/conftest.py)."""

from __future__ import annotations

import pytest

from serving import running_server


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    with running_server(log_path=tmp_path_factory.mktemp("browser") / "serve.log") as base:
        yield base
