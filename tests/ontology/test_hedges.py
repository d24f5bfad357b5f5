"""Hedges are kept evenly: every hedge word in the article's sentence that holds a claim's Estonian
quote shows up as the matching qualifier on every statement that rests on that claim. A statement that another claim
states flatly (without that hedge) is stated flatly, so a statement citing several claims needs
the qualifier only when each of them carries the hedge (ontology/README.md, "kind-level
statements")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF
from rdflib.namespace import DCTERMS

from bpograph.namespaces import BPO

#: Estonian hedge words (as word stems, matched at the start of a word) -> the qualifier that keeps them.
HEDGES = {
    "enamasti": BPO.Mostly,
    "peamiselt": BPO.Mainly,
    "võib": BPO.Possibly, "võiva": BPO.Possibly, "võiks": BPO.Possibly, "ei pruugi": BPO.Possibly,
    "arvatakse": BPO.Believed,
    "hõlma": BPO.OpenList, "jne": BPO.OpenList, "sealhulgas": BPO.OpenList,
    "mõned": BPO.Some, "mõnel": BPO.Some, "mõnin": BPO.Some,
    "ainult": BPO.Only,
    "palju": BPO.Many, "paljud": BPO.Many,
    "pisivaldkon": BPO.MinorArea,
}


ARTICLE = Path(__file__).resolve().parents[3] / "shared" / "seed" / "article-et.txt"

#: Hedge words in a claim's sentence that do not hedge what the graph records from it: (claim,
#: qualifier, statement or "*" for every statement of the claim) -> why.
NOT_HEDGES = {
    ("C28", "OpenList", "*"): "'Kahte tüüpi helistamismeetodid hõlmavad BPO-d ja kõnekeskust': two named types, a closed list",
    ("C15", "OpenList", "*"): "'sealhulgas' belongs to the BPO half of the sentence (C38)",
    ("C38", "Mainly", "*"): "'peamiselt' belongs to the call-centre half of the sentence (C15)",
    ("C25", "Possibly", "*"): "'võivad keskenduda ainult' qualifies the call centres of the relative clause (C16)",
    ("C25", "Only", "*"): "as above: the relative clause is C16",
    ("C63", "Possibly", "*"): "'võivad tegutseda mitmes kohas' is the BPO half of the sentence (C62)",
    ("C24", "Mainly", "BusinessProcessOutsourcing taskScope ForeignTasks"): "'peamiselt' qualifies the call centre's local issues only",
    ("C39", "MinorArea", "BusinessProcessOutsourcing hasFunction Marketing"): "the minor areas are technical support and the like, not marketing",
    ("C49", "Mostly", "BusinessProcessOutsourcing hasAdvantage HighConfidentiality"): "'enamasti' qualifies the group work that explains it",
    ("C54", "OpenList", "HiddenCosts affects StartingVenture"): "'hõlmavad' opens the list of disadvantages, not what hidden costs affect",
    ("C56", "Many", "*"): "'palju seaduspärasusi': many legal complications may arise, not a hedge on the statement",
    ("C60", "Some", "*"): "'mõned olulised kliendid': the customers lost, not a hedge on the disadvantage",
    ("C64", "Only", "*"): "'ei saa loota ainult' is inside the reason clause",
}


def sentences() -> list[str]:
    if not ARTICLE.is_file():
        pytest.skip(f"{ARTICLE} is absent: the hedge test reads the source article")
    text = " ".join(ARTICLE.read_text(encoding="utf-8").split())
    return re.split(r"(?<=[.!?])\s+", text)


def context(quote: str, article: list[str]) -> str:
    """The article's sentence(s) that hold ``quote`` (the quote itself if none does)."""
    quote = " ".join(quote.split())
    found = [s for s in article if quote in s]
    return " ".join(found) or quote


def hedges_of(quote: str) -> set:
    text = quote.lower()
    return {qualifier for word, qualifier in HEDGES.items() if re.search(r"(?<![\w])" + re.escape(word), text)}


def test_every_hedge_of_a_claim_is_on_the_statements_resting_on_it(knowledge):
    article = sentences()
    claims = {}
    for claim in knowledge.subjects(RDF.type, BPO.Claim):
        found = set()
        for quote in knowledge.objects(claim, BPO.quote):
            found |= hedges_of(context(str(quote), article))
        claims[claim] = found
    assert any(claims.values())
    missing = []
    for axiom in knowledge.subjects(RDF.type, OWL.Axiom):
        sources = [s for s in knowledge.objects(axiom, DCTERMS.source) if s in claims]
        if not sources:
            continue
        statement = " ".join(str(knowledge.value(axiom, p)).rsplit("/", 1)[-1]
                             for p in (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget))

        def hedged(claim, qualifier):
            notation, name = str(claim).rsplit("/", 1)[-1], qualifier.rsplit("/", 1)[-1]
            return qualifier in claims[claim] and (notation, name, "*") not in NOT_HEDGES \
                and (notation, name, statement) not in NOT_HEDGES

        candidates = set().union(*(claims[s] for s in sources))
        required = {q for q in candidates if all(hedged(s, q) for s in sources)}  # each citing claim hedges it
        qualifiers = set(knowledge.objects(axiom, BPO.qualifier))
        for qualifier in sorted(required - qualifiers):
            missing.append((statement, qualifier.rsplit("/", 1)[-1], ",".join(str(s).rsplit("/", 1)[-1] for s in sources)))
    assert missing == []


def test_the_hedge_words_are_found_in_the_quotes_the_issue_names(knowledge):
    """The detector itself: the hedges the audit found dropped are hedges to it."""
    from bpograph.namespaces import CLAIM

    article = sentences()

    def quotes(notation):
        return " ".join(context(str(q), article) for q in knowledge.objects(CLAIM[notation], BPO.quote))

    assert BPO.Mostly in hedges_of(quotes("C37"))
    assert BPO.Some in hedges_of(quotes("C40"))
    assert BPO.Only in hedges_of(quotes("C16"))
    assert BPO.OpenList in hedges_of(quotes("C46")) | hedges_of(quotes("C54")) | hedges_of(quotes("C57"))


def test_every_qualifier_value_is_a_qualifier(knowledge):
    values = set(knowledge.objects(None, BPO.qualifier))
    assert values and all((v, RDF.type, BPO.Qualifier) in knowledge for v in values), \
        sorted(str(v) for v in values if (v, RDF.type, BPO.Qualifier) not in knowledge)
