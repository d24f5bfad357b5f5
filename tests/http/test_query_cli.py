"""`bpograph query` against the live server (through SPARQLWrapper) and the embedded store."""

import json

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import SKOS

from bpograph.cli import main
from bpograph.namespaces import BPO

LABELS = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?l WHERE { <https://w3id.org/bpograph/def/CallCentre> skos:prefLabel ?l } ORDER BY ?l"


@pytest.fixture()
def cli():
    return CliRunner()


@pytest.mark.parametrize("where", ["endpoint", "embedded"])
def test_a_table_in_both_places(cli, endpoint, where):
    args = ["query", LABELS] + (["--endpoint", endpoint] if where == "endpoint" else [])
    result = cli.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["l", "--------------", "call centre@en", "kõnekeskus@et", "(2 rows)"]


CHECKS = {
    "table": lambda out: out.splitlines()[-1] == "(2 rows)",
    "json": lambda out: len(json.loads(out)["results"]["bindings"]) == 2,
    "xml": lambda out: out.count("<result>") == 2,
    "csv": lambda out: out.splitlines()[0] == "l",
    "tsv": lambda out: out.splitlines()[1] == '"call centre"@en',
}


def test_every_tabular_format_of_the_registry_is_checked_here():
    from bpograph.formats import QUERY_OUTPUTS

    assert {name for name, (tabular, _) in QUERY_OUTPUTS.items() if tabular} == set(CHECKS)


@pytest.mark.parametrize("where", ["endpoint", "embedded"])
@pytest.mark.parametrize("fmt", sorted(CHECKS))
def test_formats_from_the_endpoint_and_in_process(cli, endpoint, fmt, where):
    args = ["query", LABELS, "--format", fmt] + (["--endpoint", endpoint] if where == "endpoint" else [])
    result = cli.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert CHECKS[fmt](result.stdout), result.stdout


def test_construct_as_turtle_from_a_file(cli, endpoint, tmp_path):
    query = tmp_path / "narrower.rq"
    query.write_text("CONSTRUCT { ?c <http://www.w3.org/2004/02/skos/core#broader> <https://w3id.org/bpograph/def/CallCentre> } "
                     "WHERE { ?c <http://www.w3.org/2004/02/skos/core#broader> <https://w3id.org/bpograph/def/CallCentre> }")
    result = cli.invoke(main, ["query", "--file", str(query), "--endpoint", endpoint, "--format", "turtle"])
    assert result.exit_code == 0
    assert set(Graph().parse(data=result.stdout, format="turtle").subjects(SKOS.broader, BPO.CallCentre)) == {BPO.InboundCallCentre, BPO.OutboundCallCentre}


def test_a_bad_query_exits_1_with_the_servers_message(cli, endpoint):
    result = cli.invoke(main, ["query", "SELECT * WHERE { ?s ?p", "--endpoint", endpoint])
    assert result.exit_code == 1
    assert "line 1, column" in result.stderr and "Traceback" not in result.stderr


def test_an_unreachable_endpoint_exits_2(cli):
    result = cli.invoke(main, ["query", "ASK {}", "--endpoint", "http://127.0.0.1:9/sparql"])
    assert result.exit_code == 2
    assert result.stderr.startswith("bpograph query: cannot reach http://127.0.0.1:9/sparql")


def test_the_table_shows_prefixed_names_and_marks_every_cut():
    import os
    import subprocess
    import sys
    from pathlib import Path

    query = Path(__file__).parents[2] / "src" / "bpograph" / "queries" / "CQ21.rq"
    wide = subprocess.run([sys.executable, "-m", "bpograph", "query", "--file", str(query), "--format", "table"],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "200"})
    assert wide.returncode == 0, wide.stderr
    assert "bpo:BusinessProcessOutsourcing" in wide.stdout and "https://w3id.org/bpograph/def/" not in wide.stdout
    assert "…" not in wide.stdout  # it fits: nothing is cut
    narrow = subprocess.run([sys.executable, "-m", "bpograph", "query", "--file", str(query), "--format", "table"],
                            capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "60"})
    rows = narrow.stdout.splitlines()[2:-1]
    assert rows and all(len(row) <= 60 for row in rows)
    assert any("…" in row for row in rows)
    full = {cell.strip() for row in wide.stdout.splitlines()[2:-1] for cell in row.split("|")}
    for row in rows:  # every cell is whole, or visibly cut
        for cell in (c.strip() for c in row.split("|")):
            assert cell in full or (cell.endswith("…") and any(f.startswith(cell[:-1]) for f in full)), cell
