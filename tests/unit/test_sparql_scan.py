"""The keyword scan that guards the endpoint sees keywords, not strings, IRIs or comments."""

import pytest

from bpograph.sparql_scan import scan


@pytest.mark.parametrize(
    ("query", "has_from"),
    [
        ("SELECT * FROM <http://a> WHERE { ?s ?p ?o }", True),
        ("select * from named <http://a> where { graph ?g { ?s ?p ?o } }", True),
        ('SELECT * WHERE { ?s ?p "taken from the article" }', False),
        ("SELECT ?from WHERE { ?from ex:from ?x } # FROM in a comment", False),
        ("SELECT * WHERE { <http://example.org/FROM> ?p ?o }", False),
        ('SELECT * WHERE { ?s ?p """a long\nFROM string""" }', False),
    ],
)
def test_from_is_found_only_as_a_keyword(query, has_from):
    assert scan(query).has_from is has_from


def test_service_endpoints_are_extracted_with_silent_and_variables():
    found = scan("SELECT * WHERE { SERVICE SILENT <http://x/sparql> { ?s ?p ?o } SERVICE ?endpoint { } }")
    assert found.services == ["http://x/sparql", "?endpoint"]


def test_service_in_a_string_or_a_name_is_not_a_service_clause():
    assert scan('SELECT * WHERE { ?s skos:prefLabel "customer service" ; ex:service ?x }').services == []


def test_update_keywords_are_found():
    assert scan("PREFIX ex: <http://e/> INSERT DATA { ex:a ex:b ex:c }").update_keywords == {"INSERT"}
    assert scan("LOAD <http://example.org/data.ttl>").update_keywords == {"LOAD"}
    assert scan('SELECT * WHERE { ?s ?p "delete me" }').update_keywords == set()


def test_protocol_using_graphs_become_using_clauses_before_where():
    from bpograph.sparql_scan import add_using

    update = "CLEAR ALL ; INSERT DATA { <a> <b> <c> } ; INSERT { GRAPH <g> { ?s a <T> } } WHERE { ?s a <U> }"
    rewritten = add_using(update, ("http://d/1",), ("http://n/1",))
    assert rewritten.endswith("USING <http://d/1> USING NAMED <http://n/1> WHERE { ?s a <U> }")
    assert rewritten.count("USING") == 2
    assert add_using("DELETE WHERE { ?s ?p ?o }", ("http://d/1",), ()) == "DELETE WHERE { ?s ?p ?o }"


def test_a_dataset_in_the_update_conflicts_with_protocol_using_graphs():
    from bpograph.sparql_scan import add_using

    with pytest.raises(ValueError, match="WITH or USING"):
        add_using("WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", (), ("http://n/1",))
