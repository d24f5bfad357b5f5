"""Linking bpograph to other vocabularies: import them into a persistent store, serve it, and
join our terms with theirs (the README's worked examples run here)."""

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from bs4 import BeautifulSoup

from bpograph.cli import main
from http_client import fetch
from serving import running_server

VOCAB = Path(__file__).parents[1] / "data" / "vocab"
BAD = Path(__file__).parents[1] / "data" / "bad"
README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def count(store_dir: Path) -> int:
    store = ox.Store.read_only(str(store_dir))
    try:
        return len(store)
    finally:
        del store


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("linked") / "store"
    recorded = folder.parent / "recorded.ttl"  # the README's own way of recording data, as written there
    recorded.write_text(re.search(r"### Recording your own data\n\n```turtle\n(.+?)```", README, re.S).group(1), encoding="utf-8")
    runner = CliRunner()
    for file, graph in ((VOCAB / "schema-org-subset.ttl", "https://schema.org/"), (VOCAB / "org-subset.ttl", "http://www.w3.org/ns/org#"),
                        (VOCAB / "researcher-data.ttl", "https://example.org/research/"), (recorded, "https://example.org/recorded/")):
        result = runner.invoke(main, ["import", str(file), "--graph", graph, "--store", str(folder)])
        assert result.exit_code == 0, result.output
        assert re.match(rf"bpograph import: added \d+ triples to <{re.escape(graph)}>", result.stdout)
    return folder


def test_import_reports_what_it_added_and_is_idempotent(store_dir):
    from click.testing import CliRunner

    again = CliRunner().invoke(main, ["import", str(VOCAB / "org-subset.ttl"), "--graph", "http://www.w3.org/ns/org#", "--store", str(store_dir)])
    assert again.exit_code == 0
    assert "added 0 triples" in again.stdout


def test_unreadable_input_is_refused_without_changing_the_store(store_dir):
    from click.testing import CliRunner

    before = count(store_dir)
    result = CliRunner().invoke(main, ["import", str(BAD / "unbound-prefix.ttl"), "--graph", "urn:x:bad", "--store", str(store_dir)])
    assert result.exit_code == 2
    assert "unbound-prefix.ttl, line 3" in result.stderr
    assert count(store_dir) == before


@pytest.fixture(scope="module")
def linked(store_dir, tmp_path_factory):
    with running_server("--store", str(store_dir), log_path=tmp_path_factory.mktemp("linked-serve") / "serve.log") as base:
        yield base


def readme_queries() -> list[str]:
    section = README.split("## Linking bpograph to your ontology", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sparql\n(.+?)```", section, re.S)


def run(base: str, query: str) -> list[dict]:
    reply = fetch("GET", base + "/sparql", params={"query": query})
    assert reply.status == 200, reply.text
    return json.loads(reply.body)["results"]["bindings"]


def test_the_readme_has_three_worked_examples():
    assert len(readme_queries()) == 3


def test_example_1_finds_organisations_however_they_were_typed(linked):
    rows = run(linked, readme_queries()[0])
    found = {(r["org"]["value"], r["typedAs"]["value"]) for r in rows}
    assert {
        ("https://example.org/research/helpdesk-co", "https://schema.org/Organization"),   # schema.org itself
        ("https://example.org/research/outsourcing-plc", "https://schema.org/Corporation"),  # a schema.org subclass
        ("https://example.org/acme", "https://w3id.org/bpograph/def/Organisation"),        # the README's way
        ("https://example.org/helpdesk-co", "https://w3id.org/bpograph/def/Organisation"),
    } <= found
    labels = {r["typedAs"]["value"]: r.get("typeLabel", {}).get("value") for r in rows}
    assert labels["https://schema.org/Corporation"] == "Corporation"
    assert labels["https://w3id.org/bpograph/def/Organisation"] == "organisation"


def test_example_2_finds_sites_recorded_with_org_or_bpo(linked):
    rows = run(linked, readme_queries()[1])
    found = {(r["holder"]["value"], r["site"]["value"], r["recordedWith"]["value"]) for r in rows}
    assert {
        ("https://example.org/research/helpdesk-co", "https://example.org/research/tartu", "http://www.w3.org/ns/org#hasSite"),
        ("https://example.org/centre", "https://example.org/tartu", "https://w3id.org/bpograph/def/hasSite"),  # the README's way
    } <= found
    assert {r["siteLabel"]["value"] for r in rows if "siteLabel" in r} >= {"Tartu office (fictional)"}


def test_example_3_a_nace_coded_company(linked):
    rows = run(linked, readme_queries()[2])
    assert [(r["org"]["value"], r["code"]["value"], r["activity"]["value"]) for r in rows] == [
        ("https://example.org/research/helpdesk-co", "82.20", "82.20 Activities of call centres")]


def test_entity_pages_show_the_labels_of_mapped_terms_once_their_vocabulary_is_loaded(linked):
    soup = BeautifulSoup(fetch("GET", linked + "/def/Site", headers={"Accept": "text/html"}).text, "html.parser")
    external = {a["href"]: (a.text, a.get("title")) for a in soup.find("table", class_="statements").find_all("a", rel="external")}
    assert external["http://www.w3.org/ns/org#Site"] == ("Site", "An office or other premise at which the organization is located.")
    assert external["https://schema.org/Place"][1].startswith("Entities that have a somewhat fixed")


def test_without_the_vocabulary_pages_link_out_by_iri(live_server):
    soup = BeautifulSoup(fetch("GET", live_server + "/def/Site", headers={"Accept": "text/html"}).text, "html.parser")
    link = soup.find("table", class_="statements").find("a", href="https://schema.org/Place")
    assert link.text == "schema:Place" and link.get("title") is None  # the prefixed name, linked to the IRI


def test_the_served_store_survives_the_server(linked, store_dir):
    assert (store_dir / "bpograph-store.json").is_file() and count(store_dir) > 6000


def test_a_trig_dataset_keeps_its_named_graphs_and_its_default_graph_goes_to_the_graph_given(tmp_path):
    from click.testing import CliRunner

    folder = tmp_path / "store"
    result = CliRunner().invoke(main, ["import", str(VOCAB / "dataset.trig"), "--graph", "https://example.org/imported", "--store", str(folder)])
    assert result.exit_code == 0, result.output
    assert "added 1 triples to <https://example.org/imported>" in result.stdout
    store = ox.Store.read_only(str(folder))
    try:
        graphs = {str(g.value) for g in store.named_graphs()}
        assert {"https://example.org/imported", "https://example.org/trig/g"} <= graphs
    finally:
        del store


def test_shape_iris_resolve_too(live_server):
    reply = fetch("GET", live_server + "/shapes/P13", headers={"Accept": "text/html"})
    assert reply.status == 200 and "OOPS! P13" in reply.text


def test_the_mapping_set_is_built_once_per_process(live_server):
    """It took over a second of CPU on every request; a client could keep the processes busy with it."""
    import time

    first = fetch("GET", live_server + "/mappings/bpograph.sssom.tsv")
    first = fetch("GET", live_server + "/mappings/bpograph.sssom.tsv")  # both processes have built it by now
    started = time.monotonic()
    for _ in range(10):
        again = fetch("GET", live_server + "/mappings/bpograph.sssom.tsv")
        assert again.status == 200 and again.body == first.body
    assert (time.monotonic() - started) / 10 < 0.15
