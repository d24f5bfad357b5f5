"""The namespace module names exactly the terms the ontology defines, and rejects typos."""

import pytest
from rdflib import URIRef

from bpograph.namespaces import BPO, PREFIXES, sparql_prologue


def test_bpo_namespace_lists_exactly_the_ontology_terms(knowledge):
    namespace = str(BPO._NS)
    defined = {
        str(s)[len(namespace):]
        for s in knowledge.subjects(unique=True)
        if isinstance(s, URIRef) and str(s).startswith(namespace)
    }
    declared = {name for name in BPO.__annotations__}
    assert declared == defined, (
        f"in namespaces.py but not in ontology/: {sorted(declared - defined)}; "
        f"in ontology/ but not in namespaces.py: {sorted(defined - declared)}"
    )


def test_a_misspelt_term_raises():
    with pytest.raises(AttributeError):
        BPO.CallCenter  # noqa: B018 - the US spelling is not a term; the attribute access must fail


def test_prefix_map_feeds_a_parsable_sparql_prologue(shipped):
    query = sparql_prologue() + "ASK { bpo:CallCentre a owl:Class }"
    assert shipped.query(query).askAnswer is True
    assert PREFIXES["bpo"] == BPO._NS


def test_one_list_of_mapping_predicates():
    """The SSSOM export, the VoID linksets and the entity pages read the same list."""
    from bpograph import entities, mappings, namespaces
    from bpograph.backends.oxigraph import store

    assert mappings.MAPPING_PREDICATES is namespaces.MAPPING_PREDICATES
    assert store.LINK_PREDICATES == tuple(str(p) for p in namespaces.MAPPING_PREDICATES)
    assert set(entities.SHOWN_MAPPINGS) == set(namespaces.MAPPING_PREDICATES) - namespaces.HIERARCHY_PREDICATES
