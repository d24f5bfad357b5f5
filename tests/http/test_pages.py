"""Entity pages over HTTP: one URL per IRI, HTML for people and RDF for programs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from bpograph.namespaces import BPO
from serving import on_both_backends, running_server
from http_client import fetch

#: every test here holds on the embedded store and on Virtuoso
live_server, endpoint = on_both_backends()

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
HOSTILE = Path(__file__).parents[1] / "data" / "pages" / "hostile.ttl"


def page(base: str, path: str, accept: str = "text/html") -> BeautifulSoup:
    reply = fetch("GET", base + path, headers={"Accept": accept})
    assert reply.status == 200, reply.text[:300]
    return BeautifulSoup(reply.text, "html.parser")


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/html"),
        ("*/*", "text/html"),
        (BROWSER, "text/html"),
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml;q=0.9, text/turtle;q=0.5", "application/rdf+xml"),
        ("application/n-triples", "application/n-triples"),
    ],
)
def test_one_url_answers_by_accept(live_server, accept, expected):
    reply = fetch("GET", live_server + "/def/CallCentre", headers={"Accept": accept} if accept else {})
    assert reply.status == 200
    assert reply.headers.get_content_type() == expected
    assert "Accept" in reply.headers["Vary"]
    assert '<https://w3id.org/bpograph/def/CallCentre>; rel="canonical"' in reply.headers["Link"]
    assert '</def/CallCentre.ttl>; rel="alternate"; type="text/turtle"' in reply.headers["Link"]


@pytest.mark.parametrize(("suffix", "parser"), [(".ttl", "turtle"), (".jsonld", "json-ld"), (".rdf", "xml"), (".nt", "nt")])
def test_suffix_urls_give_the_entitys_rdf(live_server, suffix, parser):
    reply = fetch("GET", live_server + "/def/CallCentre" + suffix)
    assert reply.status == 200
    graph = Graph().parse(data=reply.body, format=parser)
    assert (BPO.CallCentre, SKOS.prefLabel, Literal("kõnekeskus", lang="et")) in graph
    assert (BPO.InboundCallCentre, URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"), BPO.CallCentre) in graph


def test_unknown_iris_get_a_404_page_and_unacceptable_types_a_406(live_server):
    missing = fetch("GET", live_server + "/def/NoSuchTerm", headers={"Accept": BROWSER})
    assert missing.status == 404 and "knows nothing about" in missing.text
    assert fetch("GET", live_server + "/def/NoSuchTerm.ttl").status == 404
    refused = fetch("GET", live_server + "/def/CallCentre", headers={"Accept": "image/png"})
    assert refused.status == 406 and "text/turtle" in refused.text


def test_labels_and_definitions_side_by_side_with_their_languages(live_server):
    soup = page(live_server, "/def/CallCentre", BROWSER)
    assert soup.h1.find("span", lang="en").text == "call centre"
    assert soup.h1.find("span", lang="et").text == "kõnekeskus"
    definition = soup.find("tr", class_="definition")
    cells = {td["lang"]: td.text.strip() for td in definition.find_all("td")}
    assert cells["et"].startswith("Organisatsiooniüksus") and cells["en"].startswith("An organisational unit")
    assert soup.find("link", rel="canonical")["href"] == str(BPO.CallCentre)


def test_hierarchy_breadcrumbs_and_narrower_concepts(live_server):
    soup = page(live_server, "/def/InboundCallCentre")
    crumbs = [[a.text for a in nav.find_all("a")] for nav in soup.find_all("nav", class_="breadcrumb")]
    assert any("call centre" in trail for trail in crumbs)
    parent_page = page(live_server, "/def/CallCentre")
    narrower = {a["href"] for a in parent_page.find("ul", class_="children").find_all("a")}
    assert {"/def/InboundCallCentre", "/def/OutboundCallCentre"} <= narrower


def test_statements_show_their_claims_and_hedges(live_server):
    soup = page(live_server, "/def/BusinessProcessOutsourcing")
    row = next(tr for tr in soup.find("table", class_="statements").find_all("tr")
               if tr.find("a", href="/def/HumanResources"))
    assert [a.text for a in row.find_all("a", class_="claim")] == ["C34", "C35"]
    hedge = row.find("span", class_="qualifier").find("a")
    assert hedge["href"] == "/def/OpenList" and hedge.text == "open list"
    provenance = soup.find("ul", class_="provenance")
    c35 = provenance.find("li", id="C35")
    assert c35.find("q", lang="et").text.startswith("hõlmavad inimressursse")


def test_contradictions_and_mappings_are_shown_on_the_entities_they_touch(live_server):
    soup = page(live_server, "/def/CallCentre")
    assert "/claim/X01" in {a["href"] for a in soup.find("ul", class_="tensions").find_all("a")}
    mappings = page(live_server, "/def/QualityAssurance").find("ul", class_="mappings")
    targets = {a["href"]: a.get("rel") for a in mappings.find_all("a")}
    assert targets["http://www.wikidata.org/entity/Q836575"] == ["external"]


def test_the_page_embeds_the_entitys_rdf_as_json_ld(live_server):
    soup = page(live_server, "/def/CallCentre")
    script = soup.find("script", id="rdf")
    graph = Graph().parse(data=json.dumps(json.loads(script.string)), format="json-ld")
    assert (BPO.CallCentre, SKOS.prefLabel, Literal("call centre", lang="en")) in graph


def test_the_page_offers_a_schema_org_defined_term(live_server):
    term = json.loads(page(live_server, "/def/InboundCallCentre").find("script", id="schema-org").string)
    assert term["@type"] == "DefinedTerm" and term["@id"] == str(BPO.InboundCallCentre)
    assert {"@value": "sissetulev kõnekeskus", "@language": "et"} in term["name"]
    assert {"@id": str(BPO.KindsScheme)} in term["inDefinedTermSet"]
    scheme = json.loads(page(live_server, "/def/KindsScheme").find("script", id="schema-org").string)
    assert scheme["@type"] == "DefinedTermSet"


def test_claim_pages_show_quote_and_reading(live_server):
    soup = page(live_server, "/claim/C35")
    cells = {td["lang"]: td.text for td in soup.find("tr", class_="quote").find_all("td")}
    assert "inimressursse" in cells["et"]
    linked_by = {li.find("a").text for li in soup.find("ul", class_="incoming").find_all("li")}
    assert {"involves claim", "dcterms:source"} <= linked_by  # tensions X05/X13 and the terms resting on C35


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    with running_server("--data", str(HOSTILE), log_path=tmp_path_factory.mktemp("pages") / "serve.log") as base:
        yield base


def test_values_from_the_data_are_escaped_under_a_content_security_policy(hostile_server):
    reply = fetch("GET", hostile_server + "/example/hostile", headers={"Accept": "text/html"})
    assert reply.status == 200
    assert "default-src 'none'" in reply.headers["Content-Security-Policy"]
    soup = BeautifulSoup(reply.text, "html.parser")
    assert [s.get("type") or s.get("src") for s in soup.find_all("script")] == [
        "application/ld+json", "application/ld+json", "/static/autocomplete.js"]  # no inline code
    assert soup.h1.find("span", lang="en").text == "<script>alert('x')</script> & </script>"
    assert "<script>alert" not in reply.text


def test_a_missing_translation_is_marked(hostile_server):
    soup = BeautifulSoup(fetch("GET", hostile_server + "/example/hostile").text, "html.parser")
    estonian = soup.find("tr", class_="definition").find("td", lang="et")
    assert estonian.find("span", class_="missing").text == "translation missing"


@pytest.mark.parametrize("query", ["kõnekeskus", "konekeskus", "KÕNEKESKUS", "call centre", "contact centre"])
def test_search_finds_the_call_centre_in_both_languages_with_or_without_diacritics(live_server, query):
    reply = fetch("GET", live_server + "/search", params={"q": query}, headers={"Accept": "application/json"})
    hits = json.loads(reply.body)["results"]
    assert hits and hits[0]["iri"] == str(BPO.CallCentre)
    assert hits[0]["href"] == "/def/CallCentre"


def test_search_results_page(live_server):
    soup = page(live_server, "/search?q=allhange")
    links = {a["href"] for a in soup.find("ol", class_="results").find_all("a")}
    assert {"/def/Outsourcing", "/def/BusinessProcessOutsourcing"} <= links
    assert soup.find("input", id="q")["value"] == "allhange"


def test_the_estonian_index_files_letters_in_estonian_order(live_server):
    soup = page(live_server, "/index/et")
    letters = [h2.text for h2 in soup.find_all("h2")]
    estonian = "ABCDEFGHIJKLMNOPQRSŠZŽTUVWÕÄÖÜXY"
    assert letters == sorted(letters, key=lambda l: estonian.index(l) if l in estonian else 99)
    assert "Õ" in letters and "Ü" in letters and letters.index("S") < letters.index("T")
    k_section = soup.find("h2", string="K").find_parent("section")
    assert "kõnekeskus" in {a.text for a in k_section.find_all("a")}


def test_the_comparison_is_rendered_from_the_graph_with_a_claim_per_cell(live_server):
    soup = page(live_server, "/comparison")
    table, differences = soup.find_all("table", class_="comparison")
    headers = [th.find("a").text for th in table.find("thead").find_all("th")[1:]]
    assert headers == ["business process outsourcing", "call centre"]
    rows = table.find("tbody").find_all("tr")
    assert [r.th.find("a").text for r in rows] == ["1. actual meaning", "2. operations conducted", "3. relevance in marketing",
                                                   "4. important functions", "5. most common types"]
    operations = rows[1].find_all("td")
    assert operations[0].find("p", lang="et").text == "Inimressursid, raamatupidamine jne."
    assert [td.find("a", class_="claim").text for td in operations] == ["C34", "C36"]
    assert len(differences.find("tbody").find_all("tr")) == 5


def test_each_statement_is_listed_once(live_server):
    soup = page(live_server, "/def/InboundCallCentre")
    rows = [(tr.find_all("td")[0].text.strip(), tr.find_all("td")[1].text.strip())
            for tr in soup.find("table", class_="statements").find("tbody").find_all("tr")]
    assert len(rows) == len(set(rows))


def test_the_example_gallery_lists_every_competency_question(live_server):
    from bpograph.examples import load_examples

    soup = page(live_server, "/examples")
    listed = {li["id"] for li in soup.find("ol", class_="examples").find_all("li")}
    assert listed == {e.id for e in load_examples()}


@pytest.mark.parametrize("example_id", ["CQ07", "CQ16", "CQ27"])
def test_an_example_page_runs_its_query(live_server, example_id):
    soup = page(live_server, f"/examples/{example_id}")
    rows = soup.find("table", class_="answer").find("tbody").find_all("tr")
    assert len(rows) >= 4
    assert soup.find("pre", class_="query").text.strip().startswith("SELECT")
    assert fetch("GET", live_server + "/examples/CQ99", headers={"Accept": "text/html"}).status == 404


@pytest.mark.parametrize(("ext", "parser", "quads"), [("trig", "trig", True), ("nq", "nquads", True), ("jsonld", "json-ld", True), ("ttl", "turtle", False)])
def test_whole_dataset_downloads_from_the_home_page(live_server, ext, parser, quads):
    from rdflib import Dataset

    soup = page(live_server, "/")
    assert f"/download/bpograph.{ext}" in {a["href"] for a in soup.find("ul", class_="downloads").find_all("a")}
    reply = fetch("GET", live_server + f"/download/bpograph.{ext}")
    assert reply.status == 200 and "attachment" in reply.headers["Content-Disposition"]
    dataset = Dataset(default_union=True)
    dataset.parse(data=reply.body, format=parser)
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    if quads:
        assert "https://w3id.org/bpograph/graph/ontology/article" in names
    assert (BPO.CallCentre, SKOS.prefLabel, Literal("kõnekeskus", lang="et")) in set(dataset.triples((None, None, None)))


def test_home_shows_schemes_and_the_class_hierarchy(live_server):
    soup = page(live_server, "/")
    schemes = {a["href"] for a in soup.find("ul", class_="schemes").find_all("a")}
    assert {"/def/KindsScheme", "/def/OperationsScheme", "/def/NaceScheme"} <= schemes
    tree = soup.find("ul", attrs={"role": "tree"})
    outsourcing = tree.find("a", href="/def/Outsourcing")
    assert outsourcing["role"] == "treeitem" and outsourcing["aria-level"] == "1" and outsourcing["aria-expanded"] == "true"
    bpo = outsourcing.find_parent("li").find("a", href="/def/BusinessProcessOutsourcing")
    assert bpo["aria-level"] == "2"
    assert bpo.find_parent("li").find("a", href="/def/HorizontalBPO")["aria-level"] == "3"
    call_centre = tree.find("a", href="/def/CallCentre").find_parent("li")
    assert call_centre.find("a", href="/def/InboundCallCentre") is not None


def test_interface_language_is_chosen_remembered_and_defaults_to_accept_language(live_server):
    estonian = fetch("GET", live_server + "/def/CallCentre", headers={"Accept": "text/html", "Accept-Language": "et,en;q=0.5"})
    soup = BeautifulSoup(estonian.text, "html.parser")
    assert soup.html["lang"] == "et" and soup.find("h2", id="texts").text == "Sildid ja definitsioonid"
    assert soup.h1.span["lang"] == "et" and soup.h1.span.text == "kõnekeskus"
    # both label languages stay on the page whatever the interface language
    assert {td["lang"] for td in soup.find("tr", class_="prefLabel").find_all("td")} == {"et", "en"}

    chosen = fetch("GET", live_server + "/def/CallCentre?lang=en", headers={"Accept": "text/html", "Accept-Language": "et"})
    cookie = chosen.headers["Set-Cookie"].split(";", 1)[0]
    assert cookie == "bpograph_lang=en"
    remembered = fetch("GET", live_server + "/def/CallCentre", headers={"Accept": "text/html", "Accept-Language": "et", "Cookie": cookie})
    assert BeautifulSoup(remembered.text, "html.parser").html["lang"] == "en"


def test_the_query_editor_is_served_from_this_server_under_a_strict_policy(live_server):
    reply = fetch("GET", live_server + "/query", params={"query": "ASK {}"}, headers={"Accept": "text/html"})
    assert reply.status == 200
    policy = reply.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy and "unsafe-eval" not in policy
    soup = BeautifulSoup(reply.text, "html.parser")
    scripts = [s["src"] for s in soup.find_all("script")]
    assert scripts == ["/static/yasgui/yasgui.min.js", "/static/query.js", "/static/autocomplete.js"]
    assert soup.find("nav", attrs={"aria-label": "site"}).find("a", href="/docs") is not None  # the site navigation
    for src in scripts:
        assert fetch("GET", live_server + src).status == 200
    assert soup.find("noscript").find("textarea").text == "ASK {}"


def test_diagrams_are_server_rendered_svg_with_links(live_server):
    svg = page(live_server, "/def/CallCentre").find("svg", class_="diagram")
    assert svg["role"] == "group" and svg.find("title").text == "call centre: broader and narrower terms"
    assert {"/def/InboundCallCentre", "/def/OutboundCallCentre", "/def/CallCentre"} <= {a["href"] for a in svg.find_all("a")}
    tree = page(live_server, "/").find("figure", class_="hierarchy").find("svg")
    labels = [t.text for t in tree.find_all("text")]
    assert labels.index("outsourcing") < labels.index("business process outsourcing") < labels.index("horizontal BPO")


def test_ontology_documentation_lists_modules_classes_and_properties(live_server):
    soup = page(live_server, "/docs")
    modules = {a.text for a in soup.find_all("section", class_="module") for a in [a.find("a")]}
    assert {"https://w3id.org/bpograph/ontology", "https://w3id.org/bpograph/ontology/core"} <= modules
    classes = soup.find("h2", id="classes").find_next("table")
    assert classes.find("tr", id="CallCentre").find("span", lang="et").text == "kõnekeskus"
    superclasses = {a["href"] for a in classes.find("tr", id="InboundCallCentre").find_all("td")[-1].find_all("a")}
    assert superclasses == {"/def/CallCentre"}  # superclasses are links
    properties = soup.find("h2", id="object-properties").find_next("table")
    assert "bpo:Outsourcing → bpo:Organisation" in properties.find("tr", id="client").text
    assert soup.find("dd", lang="et") is not None


@pytest.fixture(scope="module")
def tiny_cap_server(tmp_path_factory):
    with running_server("--max-rows", "50", log_path=tmp_path_factory.mktemp("tiny-cap") / "serve.log") as base:
        yield base


def test_pages_and_search_are_not_cut_by_the_public_row_cap(tiny_cap_server):
    # answers to users stop at 50 rows here; the index holds 779 labels and must hold them all
    assert fetch("GET", tiny_cap_server + "/sparql", params={"query": "SELECT * { ?s ?p ?o }"}).headers["X-Bpograph-Truncated"] == "true"
    hits = json.loads(fetch("GET", tiny_cap_server + "/search", params={"q": "C7", "limit": "50"},
                            headers={"Accept": "application/json"}).body)["results"]
    assert {"Claim C70", "Claim C74"} <= {h["label"] for h in hits}
    soup = page(tiny_cap_server, "/index/en")
    assert sum(len(section.find_all("li")) for section in soup.find_all("section")) > 300


def test_named_graph_iris_resolve(live_server):
    html = fetch("GET", live_server + "/graph/ontology/article", headers={"Accept": "text/html"})
    assert html.status == 200 and "triples" in html.text
    turtle = fetch("GET", live_server + "/graph/data/example.ttl")
    graph = Graph().parse(data=turtle.body, format="turtle")
    assert 100 < len(graph) < 200
    assert fetch("GET", live_server + "/graph/nope", headers={"Accept": "text/html"}).status == 404


def test_the_mapping_set_iri_serves_the_sssom_file(live_server):
    reply = fetch("GET", live_server + "/mappings/bpograph.sssom.tsv")
    assert reply.status == 200 and reply.text.startswith("#curie_map:")
    assert "#mapping_set_id: https://w3id.org/bpograph/mappings/bpograph.sssom.tsv" in reply.text


def test_void_is_linked_from_the_home_page(live_server):
    from bpograph.namespaces import SD, VOID

    assert page(live_server, "/").find("a", href="/void") is not None
    reply = fetch("GET", live_server + "/void", headers={"Accept": BROWSER})
    assert reply.headers.get_content_type() == "text/turtle"
    graph = Graph().parse(data=reply.body, format="turtle")
    dataset = graph.value(URIRef(live_server + "/sparql"), SD.defaultDataset)
    assert int(graph.value(dataset, VOID.triples)) > 5000


def test_search_gives_the_true_count_pages_and_what_tells_hits_apart(live_server):
    first = json.loads(fetch("GET", live_server + "/search", params={"q": "call"}, headers={"Accept": "application/json"}).body)
    assert first["total"] > 20 and len(first["results"]) == 20 and first["offset"] == 0
    rest = json.loads(fetch("GET", live_server + "/search", params={"q": "call", "offset": "20", "limit": "1000"},
                            headers={"Accept": "application/json"}).body)
    assert len(rest["results"]) == first["total"] - 20
    assert not {h["iri"] for h in first["results"]} & {h["iri"] for h in rest["results"]}  # pages do not overlap
    centre = next(h for h in first["results"] if h["iri"] == str(BPO.CallCentre))
    assert centre["kind"] == "class, concept" and centre["definition"] and centre["definitionLang"] == "en"
    concept = next(h for h in first["results"] + rest["results"] if h["scheme"])
    assert concept["kind"]
    soup = page(live_server, "/search?q=call")
    assert soup.find("p", class_="count").text.startswith(f"{first['total']} results for")
    assert len(soup.find("ol", class_="results").find_all("li")) == 20
    next_page = soup.find("a", rel="next")["href"]
    assert "offset=20" in next_page
    estonian = page(live_server, "/search?q=call&lang=et")
    assert estonian.find("p", class_="count").text.startswith(f"{first['total']} tulemust")
    assert any(p.get("lang") == "et" for p in estonian.find_all("p", class_="snippet"))


def test_a_parent_that_is_superclass_and_broader_concept_is_listed_once(live_server):
    soup = page(live_server, "/def/InboundCallCentre")
    broader = [a["href"] for a in soup.find("section", attrs={"aria-labelledby": "hierarchy"}).find("p").find_all("a")]
    assert broader.count("/def/CallCentre") == 1
    boxes = [a["href"] for a in soup.find("svg", class_="diagram").find_all("a")]
    assert len(boxes) == len(set(boxes))


def test_terms_of_other_vocabularies_are_told_apart_by_their_vocabulary(live_server):
    soup = page(live_server, "/def/Organisation")
    crumbs = {a.text for nav in soup.find_all("nav", class_="breadcrumb") for a in nav.find_all("a")}
    assert {"schema:Organization", "org:Organization", "prov:Organization"} <= crumbs
    boxes = [t.text for t in soup.find("svg", class_="diagram").find_all("text")]
    assert len(boxes) == len(set(boxes)) and "schema:Organization" in boxes


def test_a_claim_page_says_where_the_claim_stands_and_what_rests_on_it(live_server):
    soup = page(live_server, "/claim/C05")
    assert "Table/Actual meaning" in soup.find("p", class_="location").text
    rows = soup.find("table", class_="citing").find_all("tr")
    assert len(rows) >= 5
    cited = {a["href"] for tr in rows for a in tr.find_all("a")}
    assert "/def/ActualMeaningBPO" in cited
    assert "(6)" in soup.find("h2", id="citing").text


@pytest.fixture(scope="module")
def homonym_server(tmp_path_factory):
    """The shipped graph plus a concept whose label is the same as a shipped term's."""
    folder = tmp_path_factory.mktemp("homonyms")
    data = folder / "homonyms.ttl"
    data.write_text("""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/bpograph/example/another-call-centre> a skos:Concept ;
    skos:prefLabel "kõnekeskus"@et , "call centre"@en ;
    skos:inScheme <https://w3id.org/bpograph/def/LocationModelScheme> .
""", encoding="utf-8")
    with running_server("--data", str(data), log_path=folder / "serve.log") as base:
        yield base


def test_identical_index_entries_are_told_apart(homonym_server):
    soup = page(homonym_server, "/index/et")
    entries = [(li.find("a").text, li.find("span", class_="kind").text if li.find("span", class_="kind") else "")
               for li in soup.find_all("li") if li.find("a") and li.find_parent("section")]
    labels = [label for label, _ in entries]
    repeated = {label for label in labels if labels.count(label) > 1}
    assert repeated == {"kõnekeskus"}
    for label in repeated:
        told = [kind for l, kind in entries if l == label]
        assert all(told) and len(set(told)) == len(told), (label, told)
    assert soup.find("nav", attrs={"aria-label": "site"}).find("a", href="/index/et").text == "A–Ü"
