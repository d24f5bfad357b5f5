"""The view-model of an entity page: what the graph says about one IRI, in both languages, with
where each statement comes from. Pure functions over a ``select`` callable (no web framework)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import DCTERMS

from .namespaces import BASE, BPO, HIERARCHY_PREDICATES, MAPPING_PREDICATES, compact, sparql_prologue, with_base

Select = Callable[[str, dict], list[dict]]
#: The mappings an entity page lists (the hierarchy predicates show as broader terms instead).
SHOWN_MAPPINGS = {p: name for p, name in MAPPING_PREDICATES.items() if p not in HIERARCHY_PREDICATES}
LANGUAGES = ("et", "en")

TEXTS = sparql_prologue() + """
SELECT ?this ?p ?value WHERE {
  ?this ?p ?value .
  FILTER(isLiteral(?value) && ?p IN (rdfs:label, skos:prefLabel, skos:altLabel, skos:definition, skos:scopeNote,
         skos:note, skos:editorialNote, dcterms:title, dcterms:description, bpo:quote, bpo:reading, bpo:entryText))
}"""

LINKS = sparql_prologue() + """
SELECT ?this ?p ?o ?oLabel ?oComment WHERE {
  ?this ?p ?o .
  FILTER(isIRI(?o))
  OPTIONAL { ?o skos:prefLabel|rdfs:label|dcterms:title ?oLabel }
  OPTIONAL { ?o rdfs:comment ?oComment . FILTER(!STRSTARTS(STR(?o), "https://w3id.org/bpograph/")) }
}"""

INCOMING = sparql_prologue() + """
SELECT ?this ?p (COUNT(DISTINCT ?s) AS ?n) (MIN(STR(?s)) AS ?example) WHERE {
  ?s ?p ?this . FILTER(isIRI(?s))
} GROUP BY ?this ?p ORDER BY DESC(?n) ?p"""
#: (MIN, not SAMPLE: the example must not depend on the store's order, so that every backend
#: draws the same page.)

HIERARCHY = sparql_prologue() + """
SELECT ?this ?child ?parent WHERE {
  ?this (rdfs:subClassOf|skos:broader)* ?child .
  ?child rdfs:subClassOf|skos:broader ?parent .
  FILTER(isIRI(?child) && isIRI(?parent))
}"""

CHILDREN = sparql_prologue() + """
SELECT ?this ?child ?label WHERE {
  ?child rdfs:subClassOf|skos:broader ?this . FILTER(isIRI(?child))
  OPTIONAL { ?child skos:prefLabel ?label }
}"""

STATEMENT_SOURCES = sparql_prologue() + """
SELECT ?this ?p ?o ?source ?qualifier WHERE {
  ?axiom owl:annotatedSource ?this ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o ; dcterms:source ?source .
  OPTIONAL { ?axiom bpo:qualifier ?qualifier }
}"""

CLAIM_TEXTS = sparql_prologue() + """
SELECT ?this ?source ?notation ?quote ?reading WHERE {
  { ?this dcterms:source ?source } UNION {
    ?axiom owl:annotatedSource ?this ; dcterms:source ?source }
  ?source a bpo:Claim ; skos:notation ?notation .
  OPTIONAL { ?source bpo:quote ?quote }
  OPTIONAL { ?source bpo:reading ?reading }
}"""

TENSIONS = sparql_prologue() + """
SELECT ?this ?tension ?label WHERE {
  ?tension bpo:concerns ?this ; skos:prefLabel ?label .
}"""

LABELS_MANY = sparql_prologue() + "SELECT ?this ?label WHERE { VALUES ?this { $VALUES } ?this skos:prefLabel ?label }"

CITING = sparql_prologue() + """
SELECT ?this ?s ?p ?o ?qualifier WHERE {
  { ?axiom owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o ; dcterms:source ?this .
    OPTIONAL { ?axiom bpo:qualifier ?qualifier } }
  UNION { ?s dcterms:source ?this . FILTER(isIRI(?s)) }
}"""
#: (A row of the second branch has no ?p and ?o: the statement is "?s dcterms:source ?this".
#: Binding them in the query, BIND(?this AS ?o), trips Virtuoso 7.2's compiler.)

LOCATION = sparql_prologue() + "SELECT ?this ?location WHERE { ?this bpo:sourceLocation ?location }"



@dataclass
class Labelled:
    iri: str
    labels: dict[str, str] = field(default_factory=dict)
    comment: str = ""
    """For terms of other vocabularies: their rdfs:comment, when that vocabulary is loaded."""

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or next(iter(self.labels.values()), None) or self.iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    @property
    def local(self) -> bool:
        return self.iri.startswith(BASE)

    def display(self, lang: str = "en") -> str:
        """The label to show where terms stand side by side (breadcrumbs, diagrams): a term of
        another vocabulary is named with its prefix (``schema:Organization``, ``org:Organization``),
        so that terms with the same label can be told apart."""
        if self.local:
            return self.label(lang)
        named = compact(self.iri)
        return named if named != self.iri else f"{self.label(lang)} ({self.iri.split('/')[2]})"

    def label_lang(self, lang: str) -> str:
        """The language of what :meth:`label` shows for ``lang`` ('' when untagged)."""
        if lang in self.labels:
            return lang
        return next(iter(self.labels), "")


@dataclass
class Statement:
    predicate: Labelled
    value: Labelled
    sources: list[str] = field(default_factory=list)
    qualifiers: list[Labelled] = field(default_factory=list)


@dataclass
class CitingStatement:
    """A statement of the graph that cites a claim: subject, predicate, value and hedge."""

    subject: Labelled
    predicate: Labelled
    value: Labelled
    qualifiers: list[Labelled] = field(default_factory=list)


@dataclass
class Claim:
    notation: str
    iri: str
    quotes: list[str]
    reading: str


@dataclass
class Entity:
    """Everything an entity page shows."""

    iri: str
    texts: dict[str, dict[str, list[str]]]
    """predicate local name -> language -> texts."""
    types: list[Labelled]
    parents: list[Labelled]
    children: list[Labelled]
    paths: list[list[Labelled]]
    """Every path from the entity up to a root of its hierarchy (breadcrumbs), root first."""
    statements: list[Statement]
    mappings: list[tuple[str, str]]
    incoming: list[tuple[Labelled, int, str]]
    claims: list[Claim]
    tensions: list[Labelled]
    location: str = ""
    """For a claim: where it stands in the source article (bpo:sourceLocation)."""
    citing: list[CitingStatement] = field(default_factory=list)
    """For a claim: every statement that rests on it."""

    def text(self, name: str, lang: str) -> list[str]:
        return self.texts.get(name, {}).get(lang, [])

    def title(self, lang: str = "en") -> str:
        for name in ("prefLabel", "label", "title"):
            values = self.text(name, lang) or next((v for v in self.texts.get(name, {}).values()), [])
            if values:
                return values[0]
        return self.iri.rsplit("/", 1)[-1]


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _keep(labels: dict[str, str], literal: dict) -> None:
    """Keep one label per language whatever order the store gives them in (the least, when a
    term has several, as rdfs:label and skos:prefLabel may differ in case)."""
    lang, text = literal.get("xml:lang", ""), literal["value"]
    if lang not in labels or text < labels[lang]:
        labels[lang] = text


def describe_entity(select: Select, iri: str, base: str = BASE) -> Entity | None:
    """The page model of ``iri``, or None when the graph says nothing about it; ``base`` is the
    base of the deployment's own IRIs (the ``base_iri`` setting)."""
    bound = {"this": iri}
    texts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in select(TEXTS, bound):
        texts[_local(row["p"]["value"])][row["value"].get("xml:lang", "")].append(row["value"]["value"])
    links = select(with_base(LINKS, base), bound)
    if not texts and not links:
        return None
    labels: dict[str, dict[str, str]] = defaultdict(dict)

    def labelled(target: str) -> Labelled:
        return Labelled(target, labels.get(target, {}), comments.get(target, ""))

    comments: dict[str, str] = {}
    for row in links:
        if "oLabel" in row:
            _keep(labels[row["o"]["value"]], row["oLabel"])
        if "oComment" in row and row["oComment"].get("xml:lang", "en") == "en":
            comments[row["o"]["value"]] = row["oComment"]["value"]
    predicates = {row["p"]["value"] for row in links}
    _fetch_labels(select, predicates, labels)

    sources: dict[tuple[str, str], list[str]] = defaultdict(list)
    qualifiers: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in select(STATEMENT_SOURCES, bound):
        key = (row["p"]["value"], row["o"]["value"])
        sources[key].append(row["source"]["value"])
        if "qualifier" in row:
            qualifiers[key].append(row["qualifier"]["value"])

    _fetch_labels(select, [q for qs in qualifiers.values() for q in qs if not labels.get(q)], labels)
    statements, mappings, types, parents = [], [], [], []
    seen: set[tuple[str, str]] = set()
    for row in links:
        predicate, target = row["p"]["value"], row["o"]["value"]
        if (predicate, target) in seen:  # one row per label language of the value
            continue
        seen.add((predicate, target))
        if URIRef(predicate) in SHOWN_MAPPINGS and not target.startswith(str(BPO._NS)):
            mappings.append((SHOWN_MAPPINGS[URIRef(predicate)], target, labelled(target).labels.get("en", "")))
            continue
        if predicate.endswith("#type"):
            types.append(labelled(target))
        elif predicate.endswith(("#subClassOf", "#broader")) and all(p.iri != target for p in parents):
            parents.append(labelled(target))  # once, when it is both superclass and broader concept
        key = (predicate, target)
        statements.append(Statement(labelled(predicate), labelled(target), sorted(set(sources.get(key, []))),
                                    [Labelled(q, labels.get(q, {})) for q in sorted(set(qualifiers.get(key, [])))]))
    statements.sort(key=lambda s: (s.predicate.label(), s.value.label(), s.predicate.iri, s.value.iri))

    children = []
    for row in select(CHILDREN, bound):
        child = row["child"]["value"]
        if "label" in row:
            _keep(labels[child], row["label"])
        if all(c.iri != child for c in children):
            children.append(Labelled(child, labels[child]))

    up: dict[str, set[str]] = defaultdict(set)
    for row in select(HIERARCHY, bound):
        up[row["child"]["value"]].add(row["parent"]["value"])
    _fetch_labels(select, [n for n in {n for values in up.values() for n in values} | set(up) if n not in labels], labels)

    incoming = []
    incoming_rows = select(INCOMING, bound)
    _fetch_labels(select, [row["p"]["value"] for row in incoming_rows if row["p"]["value"] not in labels], labels)
    for row in incoming_rows:
        predicate = row["p"]["value"]
        incoming.append((Labelled(predicate, labels.get(predicate, {})), int(row["n"]["value"]), row["example"]["value"]))
    incoming.sort(key=lambda entry: (-entry[1], entry[0].iri))

    claims: dict[str, Claim] = {}
    for row in select(CLAIM_TEXTS, bound):
        claim = claims.setdefault(row["source"]["value"], Claim(row["notation"]["value"], row["source"]["value"], [], ""))
        if "quote" in row and row["quote"]["value"] not in claim.quotes:
            claim.quotes.append(row["quote"]["value"])
        if "reading" in row:
            claim.reading = row["reading"]["value"]

    tensions = []
    for row in select(TENSIONS, bound):
        tension = row["tension"]["value"]
        _keep(labels[tension], row["label"])
        if all(t.iri != tension for t in tensions):
            tensions.append(Labelled(tension, labels[tension]))

    citing: list[CitingStatement] = []
    location = ""
    if any(t.iri == str(BPO.Claim) for t in types):
        location = next((row["location"]["value"] for row in select(LOCATION, bound)), "")
        citing_rows = select(CITING, bound)
        named = {row[v]["value"] for row in citing_rows for v in ("s", "p", "o", "qualifier") if v in row} | {str(DCTERMS.source)}
        _fetch_labels(select, [n for n in named if not labels.get(n)], labels)
        for row in citing_rows:
            subject = row["s"]["value"]
            predicate, value = (row["p"]["value"], row["o"]["value"]) if "p" in row else (str(DCTERMS.source), iri)
            hedge = [Labelled(row["qualifier"]["value"], labels.get(row["qualifier"]["value"], {}))] if "qualifier" in row else []
            citing.append(CitingStatement(*(Labelled(n, labels.get(n, {})) for n in (subject, predicate, value)), hedge))
        citing.sort(key=lambda c: (c.subject.label(), c.predicate.label(), c.value.label(), c.subject.iri, c.value.iri))

    return Entity(
        iri=iri,
        location=location,
        citing=citing,
        texts={k: {lang: sorted(values) for lang, values in v.items()} for k, v in texts.items()},
        types=sorted(types, key=lambda t: (t.label(), t.iri)),
        parents=sorted(parents, key=lambda t: (t.label(), t.iri)),
        children=sorted(children, key=lambda c: (c.label(), c.iri)),
        paths=[[Labelled(n, labels.get(n, {})) for n in path] for path in _paths(iri, up)],
        statements=statements,
        mappings=sorted(mappings),
        incoming=incoming,
        claims=sorted(claims.values(), key=lambda c: c.notation),
        tensions=sorted(tensions, key=lambda t: t.iri),
    )


def _fetch_labels(select: Select, iris, labels: dict[str, dict[str, str]]) -> None:
    """The preferred labels of all ``iris``, by language, into ``labels``: one query for them all
    (a page asked once per IRI, dozens of round trips)."""
    from .iri import is_iri

    wanted = sorted({i for i in iris if is_iri(i) and ">" not in i})
    if not wanted:
        return
    values = " ".join(f"<{i}>" for i in wanted)
    for row in select(LABELS_MANY.replace("$VALUES", values), {}):
        _keep(labels[row["this"]["value"]], row["label"])


def _paths(start: str, up: dict[str, set[str]], limit: int = 20) -> list[list[str]]:
    """Every path from a root down to ``start`` (root first), at most ``limit`` of them."""
    done: list[list[str]] = []

    def walk(node: str, trail: list[str]) -> None:
        if len(done) >= limit:
            return
        parents = [p for p in sorted(up.get(node, ())) if p not in trail]
        if not parents:
            if len(trail) > 1:
                done.append(list(reversed(trail)))
            return
        for parent in parents:
            walk(parent, trail + [parent])

    walk(start, [start])
    return done


SCHEMES = sparql_prologue() + """
SELECT ?scheme ?labelEn ?labelEt (COUNT(DISTINCT ?concept) AS ?concepts) WHERE {
  ?scheme a skos:ConceptScheme ; skos:prefLabel ?labelEn , ?labelEt .
  FILTER(LANG(?labelEn) = "en" && LANG(?labelEt) = "et")
  OPTIONAL { ?concept skos:inScheme ?scheme }
} GROUP BY ?scheme ?labelEn ?labelEt ORDER BY ?labelEn"""

CLASS_EDGES = sparql_prologue() + """
SELECT ?class ?labelEn ?labelEt ?parent WHERE {
  ?class a owl:Class ; skos:prefLabel ?labelEn , ?labelEt .
  FILTER(isIRI(?class) && STRSTARTS(STR(?class), "https://w3id.org/bpograph/"))
  FILTER(LANG(?labelEn) = "en" && LANG(?labelEt) = "et")
  OPTIONAL { ?class rdfs:subClassOf ?parent . FILTER(STRSTARTS(STR(?parent), "https://w3id.org/bpograph/")) }
}"""


@dataclass
class TreeNode:
    iri: str
    labels: dict[str, str]
    children: list[TreeNode] = field(default_factory=list)


def class_tree(select: Select, base: str = BASE) -> list[TreeNode]:
    """The classes under ``base`` as a forest under their superclasses there, sorted by English label."""
    nodes: dict[str, TreeNode] = {}
    parents: dict[str, set[str]] = defaultdict(set)
    for row in select(with_base(CLASS_EDGES, base), {}):
        iri = row["class"]["value"]
        nodes.setdefault(iri, TreeNode(iri, {"en": row["labelEn"]["value"], "et": row["labelEt"]["value"]}))
        if "parent" in row:
            parents[iri].add(row["parent"]["value"])
    roots = []
    for iri, node in nodes.items():
        known = [p for p in parents.get(iri, ()) if p in nodes]
        for parent in known:
            nodes[parent].children.append(node)
        if not known:
            roots.append(node)
    for node in nodes.values():
        node.children.sort(key=lambda n: n.labels["en"])
    return sorted(roots, key=lambda n: n.labels["en"])


def concept_schemes(select: Select) -> list[tuple[str, str, str, int]]:
    """(IRI, English label, Estonian label, number of concepts) of every concept scheme."""
    return [(r["scheme"]["value"], r["labelEn"]["value"], r["labelEt"]["value"], int(r["concepts"]["value"]))
            for r in select(SCHEMES, {})]


def defined_term(entity: Entity) -> dict:
    """The entity as a schema.org DefinedTerm (or DefinedTermSet for a concept scheme), for search
    engines and for tools that read schema.org rather than SKOS."""
    is_scheme = any(t.iri.endswith("#ConceptScheme") for t in entity.types)
    term: dict = {
        "@context": "https://schema.org/",
        "@type": "DefinedTermSet" if is_scheme else "DefinedTerm",
        "@id": entity.iri,
        "name": [{"@value": v, "@language": lang} for lang in LANGUAGES for v in entity.text("prefLabel", lang)[:1]],
        "description": [{"@value": v, "@language": lang} for lang in LANGUAGES for v in entity.text("definition", lang)[:1]],
        "alternateName": [{"@value": v, "@language": lang} for lang in LANGUAGES for v in entity.text("altLabel", lang)],
    }
    schemes = [s.value.iri for s in entity.statements if s.predicate.iri.endswith("#inScheme")]
    if schemes and not is_scheme:
        term["inDefinedTermSet"] = [{"@id": iri} for iri in schemes]
    return {key: value for key, value in term.items() if value}
