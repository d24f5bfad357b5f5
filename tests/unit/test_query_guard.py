"""The query guard (bpograph.safety.query_guard): every reading of SERVICE that Oxigraph's parser
could make is refused, while names, strings, IRIs and comments that merely contain the word pass;
over-deep and over-long requests are refused with a message that says where."""

import pytest

from bpograph.safety.allowlist import Allowlist, parse
from bpograph.safety.query_guard import MAX_DEPTH, MAX_TOKENS, Refused, add_using, check_query, check_update

U = "http://127.0.0.1:9999/"

#: Each of these made Oxigraph 0.5 call the endpoint (seen with a canary server; the
#: property-based test in test_guard_against_engine.py keeps checking the guard against it).
SMUGGLED = {
    "comment ended by CR": f"SELECT * WHERE {{ #x\r SERVICE <{U}> {{ ?s ?p ?o }} }}",
    "no space, SILENT glued": f"SELECT*WHERE{{SERVICESILENT<{U}>{{?s ?p ?o}}}}",
    "prefix glued to the keyword": f"PREFIX X: <{U}> SELECT*WHERE{{SERVICEX:y{{?s ?p ?o}}}}",
    "undeclared prefix retried as true": f"PREFIX : <{U}> SELECT*WHERE{{?s ?p trueSERVICE:y{{?s ?p ?o}}}}",
    "after a blank node's ]": f"PREFIX e: <http://e/> SELECT * WHERE {{ [ ?p e:x]SERVICE <{U}> {{ ?s ?p ?o }} }}",
    "after an integer": f"SELECT*WHERE{{?s ?p 1SERVICE<{U}>{{?s ?p ?o}}}}",
    "after a triple's dot": f"SELECT * WHERE {{ ?s ?p ?o.SERVICE <{U}> {{ ?s ?p ?o }} }}",
    "escaped IRI": "SELECT * WHERE { SERVICE <http://127.0.0.1:9999/\\u0061> { ?s ?p ?o } }",
    "prefixed name": f"PREFIX s: <{U}> SELECT * WHERE {{ SERVICE s:x {{ ?s ?p ?o }} }}",
    "relative IRI": "SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",
    "lower case, in a subquery": f"select * where {{ {{ select * where {{ service <{U}> {{ ?s ?p ?o }} }} }} }}",
    "inside FILTER EXISTS": f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{U}> {{ ?s ?p ?o }} }} }}",
    "variable endpoint": "SELECT * WHERE { BIND(<http://x/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "less-than read as an IRI hiding a comment": 'SELECT * WHERE { ?s ?p ?o FILTER(?a<?b#>"""\n) SERVICE <' + U + '> { } # """\n}',
    "prefixed name that cannot resolve": f"PREFIX p: <http://[::1]> SELECT * WHERE {{ ?s ?p p:SERVICE<{U}>{{ ?s ?p ?o }} }}",
    "path modifier then a glued true": f"PREFIX : <{U}> SELECT * WHERE {{ ?s :p?trueSERVICE:y{{?s ?p ?o}} }}",
    "a string with \\u0022 is still one string": f'SELECT * WHERE {{ BIND("a\\u0022 AS ?z) }} # " AS ?w) SERVICE <{U}> {{ ?s ?p ?o }} }}',
    "CRLF": f"SELECT * WHERE {{ #x\r\nSERVICE <{U}> {{ ?s ?p ?o }} }}",
}


@pytest.mark.parametrize("query", SMUGGLED.values(), ids=SMUGGLED.keys())
def test_every_known_way_of_writing_service_is_refused(query):
    with pytest.raises(Refused, match="SERVICE"):
        check_query(query)


@pytest.mark.parametrize("query", SMUGGLED.values(), ids=SMUGGLED.keys())
def test_an_allowlist_for_another_host_does_not_let_them_through(query):
    with pytest.raises(Refused):
        check_query(query, Allowlist.of(["http://allowed.example/sparql"]))


@pytest.mark.parametrize(
    "query",
    [
        'PREFIX bpo: <https://w3id.org/bpograph/def/> SELECT ?service WHERE { ?s bpo:CustomerService ?service . ?s bpo:offers ?service }',
        'SELECT * WHERE { ?s <http://www.w3.org/ns/sparql-service-description#endpoint> ?o FILTER(CONTAINS(?l, "service")) }',
        "SELECT * WHERE { ?s ?p ?o } # SERVICE in a comment",
        "SELECT * WHERE { ?s <https://schema.org/Service> ?o . ?s ?p ?load FILTER(?a < ?b) }",
        'SELECT * WHERE { ?s ?p """customer service\nLOAD""" }',
        "SELECT * WHERE { _:service ?p ?o }",
    ],
)
def test_the_word_in_names_strings_iris_and_comments_is_not_a_service(query):
    assert check_query(query).services == ()


def test_an_allowlisted_endpoint_written_plainly_is_let_through():
    allowlist = Allowlist.of(["http://allowed.example/sparql"])
    found = check_query("SELECT * WHERE { SERVICE SILENT <http://allowed.example/sparql> { ?s ?p ?o } }", allowlist)
    assert found.services == ("http://allowed.example/sparql",)


@pytest.mark.parametrize(
    "target",
    [
        "http://allowed.example@127.0.0.1:9999/",  # user information naming another host
        "http://allowed.example.evil/sparql",
        "http://allowed.example:8080/sparql",
        "https://allowed.example/sparql",
        "http://allowed.example/sparqlx",
        "http://allowed.example/sparql/../admin",
        "http://allowed.example/sparql/%2e%2e/admin",
    ],
)
def test_the_allowlist_matches_parsed_urls_not_prefixes(target):
    allowlist = Allowlist.of(["http://allowed.example/sparql"])
    assert not allowlist.allows(target)
    with pytest.raises(Refused, match="not on this endpoint's allowlist"):
        check_query(f"SELECT * WHERE {{ SERVICE <{target}> {{ }} }}", allowlist)


def test_a_path_under_an_allowlisted_one_is_allowed():
    allowlist = Allowlist.of(["http://Allowed.example"])
    assert allowlist.allows("http://allowed.example/sparql?x=1")
    assert allowlist.allows("http://allowed.example:80/")


@pytest.mark.parametrize("entry", ["allowed.example", "ftp://x/", "http://a@b/", "http://x/#f", "http:///x"])
def test_an_allowlist_entry_that_is_no_plain_url_is_refused(entry):
    with pytest.raises(ValueError):
        parse(entry)


@pytest.mark.parametrize(
    "update",
    [
        "LOAD <http://127.0.0.1:9999/x>",
        "#x\rLOAD <http://127.0.0.1:9999/x>",
        "LOADSILENT<http://127.0.0.1:9999/x>",
        "PREFIX : <http://e/> INSERT DATA { :a :b :c } ; load <http://127.0.0.1:9999/x> INTO GRAPH <g>",
        "INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9999/> { ?s ?p ?o } }",
    ],
)
def test_updates_never_load_or_call_a_service(update):
    with pytest.raises(Refused, match="LOAD|SERVICE"):
        check_update(update)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{" * 3000 + "}" * 3000,
        "SELECT * WHERE " + "{" * 3000,
        "SELECT * WHERE { FILTER(" + "(" * 10000 + "1" + ")" * 10000 + ") }",
        "SELECT * WHERE { FILTER(" + "!" * 10000 + "true) }",
        "SELECT * WHERE { " + "OPTIONAL { " * 3000 + "}" * 3000 + " }",
    ],
)
def test_over_deep_requests_are_refused_with_where(query):
    with pytest.raises(Refused, match=f"deeper than {MAX_DEPTH} levels at line 1, column"):
        check_query(query)


def test_over_long_chains_are_refused_but_large_values_blocks_are_not():
    with pytest.raises(Refused, match=f"more than {MAX_TOKENS} terms"):
        check_query("SELECT * WHERE { FILTER(1" + "+1" * 20000 + " > 0) }")
    check_query("SELECT * WHERE { VALUES ?x { " + "<http://e/x> " * 50000 + "} }")
    check_query("SELECT * WHERE { VALUES (?x ?y) { " + "(1 2) " * 20000 + "} }")
    check_update("INSERT DATA { " + "<http://e/s> <http://e/p> 1 . " * 10000 + "}")


def test_a_deep_but_legitimate_query_passes():
    check_query("SELECT * WHERE " + "{" * 40 + " ?s ?p ?o " + "}" * 40)


@pytest.mark.parametrize(
    ("query", "has_from"),
    [
        ("SELECT * FROM <http://a> WHERE { ?s ?p ?o }", True),
        ("select * from named <http://a> where { graph ?g { ?s ?p ?o } }", True),
        ('SELECT * WHERE { ?s ?p "taken from the article" }', False),
        ("SELECT ?from WHERE { ?from ex:from ?x } # FROM in a comment", False),
        ("SELECT * WHERE { <http://example.org/FROM> ?p ?o }", False),
    ],
)
def test_from_is_found_only_as_a_keyword(query, has_from):
    assert check_query(query).has_from is has_from


def test_updates_are_refused_by_the_query_operation():
    with pytest.raises(Refused, match=r"read-only.*\(INSERT\)"):
        check_query("PREFIX ex: <http://e/> INSERT DATA { ex:a ex:b ex:c }")
    check_query('SELECT * WHERE { ?s ?p "delete me" }')


def test_protocol_using_graphs_become_using_clauses_before_where():
    update = "CLEAR ALL ; INSERT DATA { <a> <b> <c> } ; INSERT { GRAPH <g> { ?s a <T> } } WHERE { ?s a <U> }"
    rewritten = add_using(update, ("http://d/1",), ("http://n/1",))
    assert rewritten.endswith("USING <http://d/1> USING NAMED <http://n/1> WHERE { ?s a <U> }")
    assert rewritten.count("USING") == 2
    assert add_using("DELETE WHERE { ?s ?p ?o }", ("http://d/1",), ()) == "DELETE WHERE { ?s ?p ?o }"


def test_a_dataset_in_the_update_conflicts_with_protocol_using_graphs():
    with pytest.raises(Refused, match="WITH or USING"):
        add_using("WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", (), ("http://n/1",))


# ---------------------------------------------------------------- function calls (remote stores)


CALLS = [
    "SELECT (<bif:f>(1) AS ?x) {}",
    "SELECT * { ?s ?p ?o } ORDER BY ?s <bif:f>(?s)",
    "SELECT * { { SELECT ?s { ?s ?p ?o } ORDER BY ?s <bif:f>(?s) } }",
    "SELECT * { ?s ?p ?o FILTER <bif:f>(?s) }",
    "SELECT * { ?s ?p ?o . FILTER(?s && <bif:f>(?s)) }",
    "SELECT * { BIND(<bif:f>(1) AS ?x) }",
    "SELECT * { ?s ?p ?o } GROUP BY ?s HAVING <bif:f>(?s)",
    "SELECT * { ?s ?p ?o } GROUP BY <bif:f>(?s)",
    "SELECT * { ?s ?p [ <http://ex/q> ?x ] FILTER <bif:f>(?s) }",
    "SELECT * { ?s ?p ?o } ORDER BY ASC(?s) <bif:f>(?s)",
    "PREFIX b: <bif:> SELECT * { ?s ?p ?o FILTER(b:f(?s)) }",
    "SELECT * { ?s ?p ?o FILTER(<bif:f\\u0028>(?s)) }",
    "SELECT * { ?s ?p ?o . FILTER <bif:f>(?s) }",
    "SELECT * { FILTER <bif:f>(1) }",
]
LISTS = [
    "SELECT * { ?s <http://ex/p> (1 2) }",
    "SELECT * { ?s <http://ex/p> ?o ; <http://ex/q> (1 2) }",
    "SELECT * { [ <http://ex/p> (1) ] }",
    "SELECT * { ?s <http://ex/p>/<http://ex/q> (1) }",
    "SELECT * { ?s ?p ?o . ?o <http://ex/p> (?a ?b) }",
    "CONSTRUCT { ?s <http://ex/p> (1 2) } WHERE { ?s ?p ?o }",
    "SELECT * { <http://ex/a> (<http://ex/p>/<http://ex/q>)* ?x }",
    "SELECT * { ?s ?p ?o . <http://ex/a> (<http://ex/p>)+ ?x }",
    "SELECT (xsd:integer(\"1\") AS ?i) (<http://www.w3.org/2005/xpath-functions#concat>(\"a\", \"b\") AS ?c) {}",
]


@pytest.mark.parametrize("query", CALLS)
def test_a_call_outside_the_standard_library_is_refused(query):
    from bpograph.namespaces import SPARQL_PREFIXES
    from bpograph.safety.functions import check_functions

    with pytest.raises(Refused, match="is not a standard function"):
        check_functions(query, SPARQL_PREFIXES, tuple(SPARQL_PREFIXES.values()))


@pytest.mark.parametrize("query", LISTS)
def test_a_list_after_a_predicate_and_standard_calls_pass(query):
    from bpograph.namespaces import SPARQL_PREFIXES
    from bpograph.safety.functions import check_functions

    check_functions(query, SPARQL_PREFIXES, tuple(SPARQL_PREFIXES.values()))
