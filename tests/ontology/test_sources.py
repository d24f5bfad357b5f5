"""Knowledge beyond the article, each statement sourced: general definitions rest on a public
document with its address, not on an article claim that does not say them."""

from __future__ import annotations

from rdflib import RDF, RDFS, SKOS, URIRef
from rdflib.namespace import DCTERMS

from bpograph.namespaces import BPO, CLAIM, SOURCE

ENRICHMENT = URIRef("https://w3id.org/bpograph/ontology/enrichment")


def test_general_glosses_cite_a_general_source(knowledge):
    assert (BPO.Outsourcing, DCTERMS.source, CLAIM.C09) not in knowledge  # a recommendation, not a definition
    for term in (BPO.Outsourcing, BPO.Accounting, BPO.HorizontalBPO, BPO.VerticalBPO):
        sources = set(knowledge.objects(term, DCTERMS.source))
        assert any(str(s).startswith(str(SOURCE)) for s in sources), term


def test_every_enrichment_source_has_an_address_or_identifier(knowledge):
    documents = {s for s in knowledge.subjects(RDF.type, BPO.SourceDocument)
                 if (s, URIRef("http://www.w3.org/2000/01/rdf-schema#isDefinedBy"), ENRICHMENT) in knowledge}
    assert len(documents) >= 15
    missing = sorted(str(d) for d in documents
                     if not any(knowledge.objects(d, BPO.url)) and not any(knowledge.objects(d, DCTERMS.identifier)))
    assert missing == []


# EMTAK 2008's Estonian titles for the NACE levels bpograph uses, as src:emtak-2008-titles gives
# them (the first four levels of EMTAK are NACE's, so each NACE class has one official title).
EMTAK_TITLES = {
    "82": "Büroohaldus, büroode ja muu äritegevuse abitegevused",
    "82.1": "Büroohaldus ja selle abitegevused",
    "82.11": "Büroohaldus",
    "82.19": "Valguskoopiad, dokumentide koostamine ja muud büroo abitegevused",
    "82.2": "Kõnekeskuste tegevus",
    "82.20": "Kõnekeskuste tegevus",
}


def test_nace_classes_carry_the_official_estonian_titles_with_their_source(knowledge):
    found = {}
    for concept in knowledge.subjects(SKOS.inScheme, BPO.NaceScheme):
        code = str(knowledge.value(concept, SKOS.notation))
        if code not in EMTAK_TITLES:
            continue
        found[code] = concept
        for predicate in (SKOS.prefLabel, RDFS.label):
            estonian = [str(o) for o in knowledge.objects(concept, predicate) if o.language == "et"]
            assert estonian == [f"{code} {EMTAK_TITLES[code]}"], (concept, predicate)
        assert SOURCE["emtak-2008-titles"] in set(knowledge.objects(concept, DCTERMS.source)), concept
        definition = [str(o) for o in knowledge.objects(concept, SKOS.definition) if o.language == "et"]
        assert definition and "EMTAK 2008 oma" in definition[0] and "tõlge" not in definition[0], concept
    assert sorted(found) == sorted(EMTAK_TITLES)


def test_the_channels_and_metrics_are_sourced_concepts_in_their_schemes(knowledge):
    for scheme, members in ((BPO.ChannelsScheme, 5), (BPO.MetricsScheme, 5)):
        concepts = set(knowledge.subjects(SKOS.inScheme, scheme))
        assert len(concepts) == members
        for concept in concepts:
            source = knowledge.value(concept, DCTERMS.source)
            assert source is not None and knowledge.value(source, BPO.url) is not None, concept
