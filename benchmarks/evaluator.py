"""Where Oxigraph's evaluator spends the time of the slow analytic queries, in process: each
query of the analytic mix next to variants that leave one part out (the OPTIONAL, the ORDER BY
tie-break) and to a bare scan of the predicate it reads, and each over the data in the default
graph and in a named graph read through the union default graph (as bpograph serves it).

    python benchmarks/evaluator.py --data /tmp/bench-1m.nt     # a file made by generate.py

Best of three runs per query, in milliseconds, every answer drawn out of the iterator.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).parent))

from generate import PER_UNIT  # noqa: E402
from mixes import PREFIX, analytic  # noqa: E402

DATE = "<http://www.w3.org/2001/XMLSchema#dateTime>"
VARIANTS = {
    "GROUP BY COUNT without ORDER BY": "SELECT ?provider (COUNT(?e) AS ?n) WHERE { ?e bpo:provider ?provider } GROUP BY ?provider",
    "GROUP BY COUNT, ORDER BY the count only": "SELECT ?provider (COUNT(?e) AS ?n) WHERE { ?e bpo:provider ?provider } "
                                               "GROUP BY ?provider ORDER BY DESC(?n) LIMIT 10",
    "scan of bpo:provider": "SELECT (COUNT(*) AS ?n) WHERE { ?e bpo:provider ?provider }",
    "GROUP BY SUM without the OPTIONAL": "SELECT ?model (COUNT(?e) AS ?all) WHERE { ?e bpo:deliveryModel ?model } GROUP BY ?model",
    "the OPTIONAL alone": "SELECT (COUNT(*) AS ?n) WHERE { ?e bpo:deliveryModel ?model . OPTIONAL { ?e bpo:endDate ?end } }",
    "NOT EXISTS as MINUS": "SELECT (COUNT(?org) AS ?n) WHERE { ?org a bpo:Organisation MINUS { ?e bpo:client ?org } }",
    "NOT EXISTS as OPTIONAL + !BOUND": "SELECT (COUNT(?org) AS ?n) WHERE { ?org a bpo:Organisation "
                                       "OPTIONAL { ?e bpo:client ?org } FILTER(!BOUND(?e)) }",
    "scan of bpo:startDate": "SELECT (COUNT(*) AS ?n) WHERE { ?e bpo:startDate ?start }",
}


def best(store: ox.Store, query: str, **arguments) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        result = store.query(query, **arguments)
        if isinstance(result, ox.QuerySolutions):
            list(result)
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True, help="an N-Triples file made by generate.py")
    parser.add_argument("--triples", type=int, default=1_000_000, help="how many triples generate.py was asked for")
    args = parser.parse_args()
    graph = ox.NamedNode("urn:bpograph:bench")
    named, default = ox.Store(), ox.Store()
    named.bulk_load(path=args.data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
    default.bulk_load(path=args.data, format=ox.RdfFormat.N_TRIPLES)
    queries = [(name, query) for name, query in analytic(max(1, args.triples // PER_UNIT), random.Random(11))]
    queries += [(name, PREFIX + query) for name, query in VARIANTS.items()]
    print("| query | named graph, union default ms | default graph ms |")
    print("|---|---:|---:|")
    for name, query in queries:
        print(f"| {name} | {best(named, query, use_default_graph_as_union=True):.1f} | {best(default, query):.1f} |")


if __name__ == "__main__":
    main()
