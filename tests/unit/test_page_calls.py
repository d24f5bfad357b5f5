"""Entity pages cost a few round trips to the store, not one per label: counted with the real
application and its real query workers."""

from __future__ import annotations

import pytest

from bpograph.config import Settings
from bpograph.web import create_app


@pytest.fixture(scope="module")
def counted():
    app = create_app(Settings(workers=1))
    service = app.extensions["bpograph"]
    calls = []
    original = service.select

    def select(query, bindings=None):
        calls.append(query)
        return original(query, bindings)

    service.select = select
    yield app.test_client(), calls
    app.extensions["bpograph.shutdown"]()


@pytest.mark.parametrize(("path", "most"), [("/def/CallCentre", 12), ("/def/BusinessProcessOutsourcing", 12),
                                            ("/claim/C05", 14), ("/def/Organisation", 12)])
def test_an_entity_page_makes_few_store_calls(counted, path, most):
    client, calls = counted
    client.get(path, headers={"Accept": "text/html"})  # warm: the ontology index and labels are built once
    calls.clear()
    reply = client.get(path, headers={"Accept": "text/html"})
    assert reply.status_code == 200
    assert len(calls) <= most, f"{len(calls)} store calls for {path}"
