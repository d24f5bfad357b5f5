"""Mappings that mean what they say: call-centre kinds map to the NAICS industry of contact
centres, the three delivery location models follow one rule, and location models are named as
location models."""

from __future__ import annotations

from rdflib import RDF, SKOS

from bpograph.namespaces import BPO

MAPPING = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)


def test_inbound_and_outbound_call_centres_map_to_naics_561422(knowledge):
    for kind in (BPO.InboundCallCentre, BPO.OutboundCallCentre):
        assert (kind, SKOS.relatedMatch, BPO.Naics561422) in knowledge
        assert not any((kind, p, BPO.Naics561421) in knowledge for p in MAPPING)  # telephone answering services


def test_the_delivery_location_models_follow_one_rule(knowledge):
    models = set(knowledge.subjects(RDF.type, BPO.DeliveryLocationModel))
    assert {BPO.Onshore, BPO.Nearshore, BPO.Offshore} <= models
    used = {p for model in models for p in MAPPING for target in knowledge.objects(model, p)
            if str(target).startswith(("http://www.wikidata.org/", "http://dbpedia.org/"))}
    assert used == {SKOS.closeMatch}


def test_location_models_are_not_labelled_as_kinds_of_outsourcing(knowledge):
    for model in knowledge.subjects(RDF.type, BPO.DeliveryLocationModel):
        for label in knowledge.objects(model, SKOS.prefLabel):
            assert "outsourcing" not in str(label) and "allhange" not in str(label), label
