"""Every entity of the ontology and the data speaks both Estonian and English."""

from collections import Counter

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from bpograph.namespaces import BASE


def entities(graph) -> set[URIRef]:
    """Every IRI of bpograph's own namespaces that the ontology or data describes, except
    the ontology headers (they carry dcterms:title instead, checked below)."""
    headers = set(graph.subjects(RDF.type, OWL.Ontology))
    return {
        s for s in graph.subjects(unique=True)
        if isinstance(s, URIRef) and str(s).startswith(BASE) and s not in headers
    }


def languages(graph, subject, predicate) -> Counter:
    return Counter(o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal))


def test_there_are_entities_to_check(knowledge):
    # classes, properties, concepts, claims, tensions, comparison rows, example data...
    assert len(entities(knowledge)) > 350


@pytest.mark.parametrize("predicate", [RDFS.label, SKOS.prefLabel, SKOS.definition], ids=lambda p: p.n3())
def test_every_entity_has_exactly_one_estonian_and_one_english(knowledge, predicate):
    wrong = {
        str(entity): dict(counts)
        for entity in entities(knowledge)
        if (counts := languages(knowledge, entity, predicate)) != Counter({"et": 1, "en": 1})
    }
    assert wrong == {}, f"{len(wrong)} entities without exactly one @et and one @en {predicate.n3()}"


def test_every_ontology_header_has_titles_and_descriptions_in_both_languages(knowledge):
    headers = list(knowledge.subjects(RDF.type, OWL.Ontology))
    assert len(headers) == 7
    for header in headers:
        for predicate in (DCTERMS.title, DCTERMS.description):
            assert languages(knowledge, header, predicate) == Counter({"et": 1, "en": 1}), (header, predicate)


@pytest.mark.parametrize(
    ("term", "estonian"),
    [
        ("CallCentre", "kõnekeskus"),
        ("BusinessProcessOutsourcing", "äriprotsesside allhange"),
        ("HorizontalBPO", "horisontaalne BPO"),
        ("VerticalBPO", "vertikaalne BPO"),
        ("InboundCallCentre", "sissetulev kõnekeskus"),
        ("OutboundCallCentre", "väljaminev kõnekeskus"),
        ("Outsourcing", "allhange"),
        ("CallingMethod", "helistamismeetod"),
        ("QualityAssurance", "kvaliteedi tagamine"),
        ("ITRegulations", "IT-eeskirjad"),
    ],
)
def test_estonian_labels_follow_the_articles_glossary(knowledge, term, estonian):
    """The Estonian labels are the nominative forms of the terms as the article spells them."""
    term_iri = URIRef(BASE + "def/" + term)
    assert Literal(estonian, lang="et") in set(knowledge.objects(term_iri, SKOS.prefLabel))


def test_the_article_variants_are_alternative_labels(knowledge):
    bpo = URIRef(BASE + "def/BusinessProcessOutsourcing")
    call_centre = URIRef(BASE + "def/CallCentre")
    assert Literal("BPO", lang="en") in set(knowledge.objects(bpo, SKOS.altLabel))
    assert Literal("BPO", lang="et") in set(knowledge.objects(bpo, SKOS.altLabel))
    assert Literal("contact centre", lang="en") in set(knowledge.objects(call_centre, SKOS.altLabel))


def test_no_two_resources_share_a_preferred_label(knowledge):
    """A reader (or the A-Z index) can tell every term from every other by its label alone."""
    from collections import defaultdict

    from rdflib import SKOS

    holders = defaultdict(set)
    for subject, label in knowledge.subject_objects(SKOS.prefLabel):
        if str(subject).startswith("https://w3id.org/bpograph/"):
            holders[(str(label), label.language)].add(str(subject).rsplit("/", 1)[-1])
    shared = {key: sorted(names) for key, names in holders.items() if len(names) > 1}
    assert shared == {}
