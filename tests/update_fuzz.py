"""Generated SPARQL updates for differential tests: the same updates to the embedded store and
to the remote backend's rewrite (:mod:`bpograph.backends.remote.updates`), which must leave the
same triples in every graph and in the union, and succeed or fail together.

Every operation form of SPARQL 1.1 Update but LOAD (refused on both backends): data, DELETE
WHERE, DELETE/INSERT with WITH and USING, graph management with and without SILENT, over four
graphs of their own. Each pattern names a predicate of :data:`R`, so that other data never joins.
"""

from __future__ import annotations

import random

R = "http://example.org/r/"
#: What the remote backend says of an update it refuses as order-dependent (README, "Updates").
ORDER_DEPENDENT = "depends on what an earlier operation of the update wrote"
#: What it says when Virtuoso refuses an operation by its cost estimate before running it (its
#: MaxQueryCostEstimationTime; a DELETE WHERE of many cross-joined patterns gets "0 (sec)
#: exceeds the limit of 400 (sec)"): the store's own limit, not a rewrite's fault.
STORE_ESTIMATE = "it estimates that it would run longer than its own limit"


def random_update(rng: random.Random, clear_all: bool = True) -> str:
    """One update of one to three operations over a few graphs, subjects and predicates of
    their own (every pattern names a predicate of R, so that other tests' data never joins).

    :param clear_all: whether to write CLEAR ALL. Oxigraph's on-disk store, which a server
        with updates uses, forgets its emptied named graphs at a CLEAR ALL in some updates and
        not in others; its in-memory store keeps them, as SPARQL 1.1 says, and so does the
        remote backend (README). Tests against the server leave CLEAR ALL out.
    """
    graphs = [f"<{R}g{i}>" for i in range(1, 5)]
    subjects = [f"<{R}s{i}>" for i in range(1, 4)]
    predicates = [f"<{R}p{i}>" for i in range(1, 3)]
    objects = [f"<{R}o1>", '"lit"', "1", '"et"@et']

    def triples(variables: bool = False) -> str:
        def term(choices, var):
            return var if variables and rng.random() < 0.5 else rng.choice(choices)
        return " . ".join(f"{term(subjects, '?s')} {rng.choice(predicates)} {term(objects, '?o')}"
                          for _ in range(rng.randint(1, 3)))

    def quads(variables: bool = False) -> str:
        parts = []
        for _ in range(rng.randint(1, 3)):
            if rng.random() < 0.5:
                parts.append(f"GRAPH {rng.choice(graphs)} {{ {triples(variables)} }}")
            else:
                parts.append(triples(variables))
        return " . ".join(parts)

    def pattern() -> str:
        inner = f"?s {rng.choice(predicates)} ?o"
        return rng.choice([inner, f"GRAPH ?g {{ {inner} }}", f"GRAPH {rng.choice(graphs)} {{ {inner} }}",
                           f"{inner} OPTIONAL {{ ?s {rng.choice(predicates)} ?x }}"])

    def target(clear: bool = False) -> str:
        every = "ALL" if clear_all or not clear else "NAMED"
        return rng.choice(["DEFAULT", f"GRAPH {rng.choice(graphs)}", "NAMED", every])

    def source() -> str:
        return rng.choice(["DEFAULT", rng.choice(graphs)])

    def operation() -> str:
        silent = "SILENT " if rng.random() < 0.5 else ""
        kind = rng.choice(["insert data", "insert data", "delete data", "delete where", "modify", "modify",
                           "clear", "drop", "create", "add", "move", "copy"])
        if kind == "insert data":
            return f"INSERT DATA {{ {quads()} }}"
        if kind == "delete data":
            return f"DELETE DATA {{ {quads()} }}"
        if kind == "delete where":
            return f"DELETE WHERE {{ {quads(variables=True)} }}"
        if kind == "modify":
            with_graph = f"WITH {rng.choice(graphs)} " if rng.random() < 0.3 else ""
            delete = f"DELETE {{ {quads(variables=True)} }} " if rng.random() < 0.5 else ""
            insert = f"INSERT {{ {quads(variables=True)} }} " if not delete or rng.random() < 0.5 else ""
            using = "".join(f"USING {rng.choice(['', 'NAMED '])}{rng.choice(graphs)} " for _ in range(rng.choice([0, 0, 1, 2])))
            return f"{with_graph}{delete}{insert}{using}WHERE {{ {pattern()} }}"
        if kind in ("clear", "drop"):
            return f"{kind.upper()} {silent}{target(clear=kind == 'clear')}"
        if kind == "create":
            return f"CREATE {silent}GRAPH {rng.choice(graphs)}"
        return f"{kind.upper()} {silent}{source()} TO {source()}"

    return " ;\n".join(operation() for _ in range(rng.randint(1, 3)))
