"""The query mixes a researcher runs, as SPARQL texts parameterised over the generated data."""

from __future__ import annotations

import random

PREFIX = """PREFIX bpo: <https://w3id.org/bpograph/def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX bench: <https://example.org/bench/>
"""


def lookup(units: int, rng: random.Random) -> list[tuple[str, str]]:
    """Cheap, selective queries: what a page or an application asks most."""
    org = f"<https://example.org/bench/org/{rng.randrange(units)}>"
    return [
        ("point lookup", PREFIX + f"SELECT ?p ?o WHERE {{ {org} ?p ?o }}"),
        ("subclass* traversal", PREFIX + "SELECT ?kind WHERE { ?kind rdfs:subClassOf* bpo:Outsourcing }"),
        ("3-way join with OPTIONAL", PREFIX + f"""SELECT ?engagement ?client ?site ?end WHERE {{
            ?engagement bpo:provider {org} ; bpo:client ?client .
            ?client bpo:hasSite ?site .
            OPTIONAL {{ ?engagement bpo:endDate ?end }} }}"""),
        ("CONSTRUCT neighbourhood", PREFIX + f"CONSTRUCT {{ {org} ?p ?o . ?s ?q {org} }} WHERE {{ {{ {org} ?p ?o }} UNION {{ ?s ?q {org} }} }}"),
    ]


def analytic(units: int, rng: random.Random) -> list[tuple[str, str]]:
    """Queries that touch much of the graph."""
    number = rng.randrange(units)
    return [
        ("label search, language filter", PREFIX + f"""SELECT ?s ?label WHERE {{ ?s rdfs:label ?label .
            FILTER(LANG(?label) = "et" && CONTAINS(LCASE(STR(?label)), "kõnekeskus {number}")) }} LIMIT 20"""),
        ("GROUP BY COUNT, ORDER BY LIMIT", PREFIX + """SELECT ?provider (COUNT(?e) AS ?engagements) WHERE {
            ?e bpo:provider ?provider } GROUP BY ?provider ORDER BY DESC(?engagements) ?provider LIMIT 10"""),
        ("GROUP BY SUM", PREFIX + """SELECT ?model (SUM(IF(BOUND(?end), 1, 0)) AS ?ended) (COUNT(?e) AS ?all) WHERE {
            ?e bpo:deliveryModel ?model . OPTIONAL { ?e bpo:endDate ?end } } GROUP BY ?model"""),
        ("NOT EXISTS", PREFIX + """SELECT (COUNT(?org) AS ?n) WHERE { ?org a bpo:Organisation
            FILTER NOT EXISTS { ?e bpo:client ?org } }"""),
        ("COUNT(*)", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
        ("date range filter", PREFIX + """SELECT (COUNT(?e) AS ?n) WHERE { ?e bpo:startDate ?start
            FILTER(?start >= "2015-01-01T00:00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime>
                   && ?start < "2016-01-01T00:00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime>) }"""),
    ]


MIXES = {"lookup": lookup, "analytic": analytic}


def requests(mix: str, units: int, count: int, seed: int = 11) -> list[tuple[str, str]]:
    """``count`` (name, query) pairs of ``mix``, cycling through its query kinds."""
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        out.extend(MIXES[mix](units, rng))
    return out[:count]
