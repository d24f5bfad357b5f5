"""Every claim of the source article is modelled and traceable, and quotes are verbatim."""

import re

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from bpograph.namespaces import BPO, CLAIM, GRAPH, SOURCE

CLAIM_IDS = [f"C{n:02d}" for n in range(1, 75)]
TENSION_IDS = [f"X{n:02d}" for n in range(1, 15)]


def normalise(text: str) -> str:
    return " ".join(text.split())


def test_there_are_exactly_74_claims_and_14_tensions(knowledge):
    claims = set(knowledge.subjects(RDF.type, BPO.Claim))
    tensions = set(knowledge.subjects(RDF.type, BPO.Tension))
    assert claims == {CLAIM[c] for c in CLAIM_IDS}
    assert tensions == {CLAIM[x] for x in TENSION_IDS}


@pytest.mark.parametrize("claim_id", CLAIM_IDS)
def test_each_claim_is_linked_from_at_least_one_statement(knowledge, claim_id):
    claim = CLAIM[claim_id]
    # a term or an owl:Axiom (one statement) that names the claim as its source
    supported = [s for s in knowledge.subjects(DCTERMS.source, claim)]
    assert supported, f"{claim_id} supports no statement"


@pytest.mark.parametrize("claim_id", CLAIM_IDS)
def test_each_claim_carries_its_id_reading_and_quote(knowledge, claim_id):
    claim = CLAIM[claim_id]
    assert knowledge.value(claim, SKOS.notation) == Literal(claim_id)
    reading = knowledge.value(claim, BPO.reading)
    assert reading is not None and reading.language == "en" and len(reading) > 20
    quotes = list(knowledge.objects(claim, BPO.quote))
    if claim_id == "C74":  # an observation about the document, quoting nothing
        assert quotes == []
    else:
        assert quotes and all(q.language == "et" for q in quotes)


def test_quotes_and_table_cells_are_verbatim_from_the_article(knowledge, shared_dir):
    article = normalise((shared_dir / "seed" / "article-et.txt").read_text(encoding="utf-8"))
    quoted = list(knowledge.objects(None, BPO.quote))
    cells = [t for t in knowledge.objects(None, BPO.entryText) if t.language == "et"]
    assert len(quoted) >= 73 and len(cells) == 20
    missing = [str(t) for t in quoted + cells if normalise(str(t)) not in article]
    assert missing == []


def test_claim_readings_match_the_claims_specification(knowledge, shared_dir):
    spec = (shared_dir / "seed" / "claims.md").read_text(encoding="utf-8")
    statements = dict(re.findall(r"\*\*(C\d\d)\*\* (.+?)\n\s+- ET:", spec, re.S))
    assert len(statements) == 74
    for claim_id, text in statements.items():
        expected = normalise(text.replace("*", ""))
        assert str(knowledge.value(CLAIM[claim_id], BPO.reading)) == expected, claim_id


@pytest.mark.parametrize("tension_id", TENSION_IDS)
def test_each_tension_names_its_claims_and_the_terms_it_touches(knowledge, tension_id):
    tension = CLAIM[tension_id]
    assert len(set(knowledge.objects(tension, BPO.involvesClaim))) >= 2
    touched = set(knowledge.objects(tension, BPO.concerns))
    assert touched and all((t, SKOS.prefLabel, None) in knowledge for t in touched)


def test_the_article_is_described(knowledge):
    article = SOURCE.article
    assert knowledge.value(article, DCTERMS.modified) == Literal("2023-08-06", datatype=XSD.date)
    assert knowledge.value(article, DCTERMS.language) == Literal("et")
    assert Literal("BPO vs kõnekeskus: erinevus ja võrdlus", lang="et") in set(knowledge.objects(article, DCTERMS.title))
    dois = {str(knowledge.value(ref, BPO.doi)) for ref in knowledge.objects(article, DCTERMS.references)}
    assert dois == {"10.1201/9781482280623", "10.1108/08858620110400205"}


def test_no_statement_is_an_unqualified_disjointness_between_bpo_and_call_centre(knowledge):
    """X01: the article never says BPO and call centre are disjoint."""
    for a, b in ((BPO.BusinessProcessOutsourcing, BPO.CallCentre), (BPO.CallCentre, BPO.BusinessProcessOutsourcing)):
        assert (a, OWL.disjointWith, b) not in knowledge
    assert (BPO.InboundCallCentre, OWL.disjointWith, BPO.OutboundCallCentre) not in knowledge


def test_each_kind_has_one_upper_class_and_keeps_the_others_as_characterisations(knowledge):
    """X04: one superclass each; the article's other characterisations are annotations."""
    assert set(knowledge.objects(BPO.BusinessProcessOutsourcing, RDFS.subClassOf)) == {BPO.Outsourcing}
    described = set(knowledge.objects(BPO.BusinessProcessOutsourcing, BPO.describedAs))
    assert described == {BPO.CallingMethod, BPO.CommunicationIndustrySubdivision, BPO.OutsourcingContractForm}
    assert len(set(knowledge.objects(BPO.CallCentre, BPO.describedAs))) == 5


def test_payment_applies_to_human_employees_only(knowledge):
    """X02: payment per call is a statement about call-centre employees, not about machines."""
    assert set(knowledge.subjects(BPO.paymentBasis, None)) == {BPO.CallCentreEmployee}
    assert (BPO.AIDrivenMachine, BPO.paymentBasis, None) not in knowledge


def test_the_graphs_keep_article_added_knowledge_and_alignments_apart(shipped):
    article = shipped.graph(GRAPH["ontology/article"])
    enrichment = shipped.graph(GRAPH["ontology/enrichment"])
    alignments = shipped.graph(GRAPH["ontology/alignments"])
    claims = set(shipped.subjects(RDF.type, BPO.Claim))
    article_sources = set(article.objects(None, DCTERMS.source)) - {SOURCE.article}
    assert article_sources and article_sources <= claims
    assert not (set(enrichment.objects(None, DCTERMS.source)) & claims)
    header = URIRef("https://w3id.org/bpograph/ontology/alignments")
    allowed = {
        SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch,
        RDFS.subClassOf, RDFS.subPropertyOf, RDF.type, *alignments.predicates(subject=header),
    }
    assert {p for _, p, _ in alignments} <= allowed
    assert not list(alignments.objects(None, SKOS.prefLabel)), "alignments define no terms of their own"
