"""Label search over the graph's own entities, in both languages, insensitive to case and
diacritics ("konekeskus" finds "kõnekeskus"). The index is built once per server from the store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .collation import fold, initial, sort_key
from .namespaces import sparql_prologue

LABELS = sparql_prologue() + """
SELECT ?entity ?property ?label WHERE {
  ?entity ?property ?label .
  FILTER(?property IN (skos:prefLabel, skos:altLabel, skos:hiddenLabel) && isIRI(?entity)
         && STRSTARTS(STR(?entity), "https://w3id.org/bpograph/"))
}"""


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str
    lang: str
    preferred: bool


class LabelIndex:
    """Every preferred, alternative and hidden label of bpograph's entities."""

    def __init__(self, rows: list[dict]) -> None:
        self.entries: list[tuple[str, Hit]] = []
        self.preferred: dict[str, dict[str, str]] = {}
        for row in rows:
            label = row["label"]
            hit = Hit(row["entity"]["value"], label["value"], label.get("xml:lang", ""), row["property"]["value"].endswith("prefLabel"))
            self.entries.append((fold(hit.label), hit))
            if hit.preferred:
                self.preferred.setdefault(hit.iri, {})[hit.lang] = hit.label

    @classmethod
    def build(cls, select: Callable[[str, dict], list[dict]]) -> LabelIndex:
        return cls(select(LABELS, {}))

    def search(self, query: str, limit: int = 20, prefer: str = "en") -> list[Hit]:
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
        return [hit for _, hit in ordered[:limit]]

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
