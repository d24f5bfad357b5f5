"""The remote backend's update rewrite (:mod:`bpograph.backends.remote.updates`), against the
embedded store, in process: in-memory Oxigraph stores for both (the in-memory store follows
SPARQL 1.1 on graphs that CLEAR empties; the on-disk one forgets them when CLEAR ALL is an
update's only operation, see update_fuzz), and one of them stands for the remote store (it follows
the standard, so the rewrite's dataset clauses and graph names are all that differ). 8,000
generated updates (:mod:`update_fuzz`), each applied as written to one store and as rewritten,
request by request with the probes between, to the other; after each, the same triples in
every graph, the same graphs existing, and the same success or failure.
(tests/http/test_remote_updates.py does the same against a real Virtuoso, fewer times.)"""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest

from bpograph.backends.remote import updates
from update_fuzz import ORDER_DEPENDENT, random_update

BASE = "http://127.0.0.1:8000/sparql"
STAND_IN = ox.NamedNode(updates.DEFAULT_GRAPH)


def quads(store: ox.Store, default) -> set:
    return {(str(q.subject), str(q.predicate), str(q.object),
             "" if q.graph_name == default or isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value)
            for q in store}


@pytest.mark.parametrize("seed", range(40))
def test_rewritten_updates_do_what_the_embedded_store_does(seed):
    rng = random.Random(seed)
    embedded, remote, served = ox.Store(), ox.Store(), []
    refused = failed = 0
    for number in range(200):
        text = random_update(rng)
        try:
            plan = updates.plan(text, BASE, served)
            refusal = f"missing {plan.missing}" if plan.missing else None
        except updates.Unsupported as exc:
            plan, refusal = None, exc.message
        if refusal and ORDER_DEPENDENT in refusal:
            refused += 1
            continue
        try:
            embedded.update(text, base_iri=BASE)
            error = None
        except (OSError, RuntimeError, ValueError) as exc:
            error = str(exc)
        assert (error is None) == (refusal is None), f"update {number}: {text}\nembedded: {error}\nremote: {refusal}"
        if error is not None:
            failed += 1
            continue
        written: dict[str, bool] = {}
        for request, probes in plan.requests:
            remote.update(request)
            holding = {g for g, _ in probes if next(remote.quads_for_pattern(None, None, None, ox.NamedNode(g)), None)}
            updates.note_written(written, probes, holding)
        served = plan.served(written)
        assert sorted(g.value for g in embedded.named_graphs()) == sorted(g for g in served if g != updates.DEFAULT_GRAPH), \
            f"graphs after update {number}: {text}"
        assert quads(embedded, None) == quads(remote, STAND_IN), f"triples after update {number}: {text}"
    assert refused <= 4 and failed < 100
