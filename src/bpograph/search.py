"""Label search over the graph's own entities, in both languages, insensitive to case and
diacritics ("konekeskus" finds "kõnekeskus"). The index is built once per server from the store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .collation import fold, initial, sort_key
from .namespaces import BASE, sparql_prologue, with_base

LABELS = sparql_prologue() + """
SELECT ?entity ?property ?label WHERE {
  ?entity ?property ?label .
  FILTER(?property IN (skos:prefLabel, skos:altLabel, skos:hiddenLabel) && isIRI(?entity)
         && STRSTARTS(STR(?entity), "https://w3id.org/bpograph/"))
}"""


DETAILS = sparql_prologue() + """
SELECT ?entity ?type ?scheme ?definition WHERE {
  { ?entity a ?type } UNION { ?entity skos:inScheme ?scheme } UNION { ?entity skos:definition ?definition }
  FILTER(isIRI(?entity) && STRSTARTS(STR(?entity), "https://w3id.org/bpograph/"))
}"""

#: Names of the kinds of term that are not bpograph classes, in both interface languages.
KIND_NAMES = {
    "http://www.w3.org/2002/07/owl#Class": {"en": "class", "et": "klass"},
    "http://www.w3.org/2002/07/owl#ObjectProperty": {"en": "object property", "et": "objektiomadus"},
    "http://www.w3.org/2002/07/owl#DatatypeProperty": {"en": "datatype property", "et": "andmeomadus"},
    "http://www.w3.org/2002/07/owl#AnnotationProperty": {"en": "annotation property", "et": "annotatsiooniomadus"},
    "http://www.w3.org/2002/07/owl#Ontology": {"en": "ontology", "et": "ontoloogia"},
    "http://www.w3.org/2004/02/skos/core#Concept": {"en": "concept", "et": "mõiste"},
    "http://www.w3.org/2004/02/skos/core#ConceptScheme": {"en": "concept scheme", "et": "mõisteskeem"},
    "http://www.w3.org/2004/02/skos/core#Collection": {"en": "collection", "et": "kogum"},
}
SNIPPET = 160


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str
    lang: str
    preferred: bool


@dataclass(frozen=True)
class Details:
    """What tells entities with the same label apart: their kind, scheme and definition."""

    kind: str
    scheme: str
    definition: str
    definition_lang: str


class LabelIndex:
    """Every preferred, alternative and hidden label of bpograph's entities."""

    def __init__(self, rows: list[dict]) -> None:
        self.entries: list[tuple[str, Hit]] = []
        self.preferred: dict[str, dict[str, str]] = {}
        self.types: dict[str, set[str]] = {}
        self.schemes: dict[str, set[str]] = {}
        self.definitions: dict[str, dict[str, str]] = {}
        for row in rows:
            label = row["label"]
            hit = Hit(row["entity"]["value"], label["value"], label.get("xml:lang", ""), row["property"]["value"].endswith("prefLabel"))
            self.entries.append((fold(hit.label), hit))
            if hit.preferred:
                self.preferred.setdefault(hit.iri, {})[hit.lang] = hit.label

    @classmethod
    def build(cls, select: Callable[[str, dict], list[dict]], base: str = BASE) -> LabelIndex:
        """The labels of every entity under ``base`` (the ``base_iri`` setting)."""
        index = cls(select(with_base(LABELS, base), {}))
        for row in select(with_base(DETAILS, base), {}):
            entity = row["entity"]["value"]
            if "type" in row:
                index.types.setdefault(entity, set()).add(row["type"]["value"])
            elif "scheme" in row:
                index.schemes.setdefault(entity, set()).add(row["scheme"]["value"])
            elif "definition" in row:
                index.definitions.setdefault(entity, {})[row["definition"].get("xml:lang", "")] = row["definition"]["value"]
        return index

    def name(self, iri: str, lang: str) -> str:
        """The preferred label of ``iri`` in ``lang`` (or the other language), else its kind's name."""
        labels = self.preferred.get(iri, {})
        return labels.get(lang) or KIND_NAMES.get(iri, {}).get(lang) or next(iter(labels.values()), "") or iri.rsplit("/", 1)[-1]

    def details(self, iri: str, lang: str) -> Details:
        """The kind (its bpograph classes, else what OWL or SKOS calls it), scheme and the start of
        the definition of ``iri``, in ``lang`` where the graph has it."""
        types = self.types.get(iri, set())
        ours = sorted(t for t in types if t in self.preferred)
        kinds = [self.name(t, lang) for t in ours] or [KIND_NAMES[t][lang] for t in sorted(types) if t in KIND_NAMES]
        schemes = sorted(self.name(s, lang) for s in self.schemes.get(iri, ()))
        definitions = self.definitions.get(iri, {})
        definition_lang = lang if lang in definitions else next(iter(definitions), "")
        text = definitions.get(definition_lang, "")
        if len(text) > SNIPPET:
            text = text[:SNIPPET].rsplit(" ", 1)[0].rstrip(",;:") + "…"
        return Details(", ".join(kinds[:2]), ", ".join(schemes[:2]), text, definition_lang)

    def search(self, query: str, limit: int | None = None, prefer: str = "en") -> list[Hit]:
        """Entities whose labels contain ``query`` (folded), best first: exact, prefix, word, other;
        one hit per entity (its best label; between equally good labels, the one in ``prefer``),
        hidden labels shown as the preferred label."""
        needle = fold(query.strip())
        if not needle:
            return []
        best: dict[str, tuple[tuple, Hit]] = {}
        for folded, hit in self.entries:
            position = folded.find(needle)
            if position < 0:
                continue
            rank = (0 if folded == needle else 1 if position == 0 else 2 if folded[position - 1] in " -" else 3,
                    0 if hit.preferred else 1, len(folded), 0 if hit.lang == prefer else 1)
            if hit.iri not in best or rank < best[hit.iri][0]:
                shown = hit if hit.preferred else Hit(hit.iri, self.preferred.get(hit.iri, {}).get(hit.lang) or hit.label, hit.lang, False)
                best[hit.iri] = (rank, shown)
        ordered = sorted(best.values(), key=lambda pair: (pair[0], pair[1].label))
        return [hit for _, hit in ordered[:limit]]  # every hit when limit is None

    def alphabetical(self, lang: str) -> list[tuple[str, list[Hit]]]:
        """Preferred labels in ``lang``, grouped by initial letter, in that language's order."""
        hits = sorted(
            (Hit(iri, labels[lang], lang, True) for iri, labels in self.preferred.items() if lang in labels),
            key=lambda h: sort_key(h.label, lang),
        )
        groups: dict[str, list[Hit]] = {}
        for hit in hits:
            groups.setdefault(initial(hit.label, lang), []).append(hit)
        return list(groups.items())
