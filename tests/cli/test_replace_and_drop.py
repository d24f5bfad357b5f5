"""A graph can be corrected and removed: `bpograph import --replace` and `bpograph drop`, each
in one transaction, each refusing bad arguments with one line and exit status 2."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

GRAPH = "https://example.org/mine"


def bpograph(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bpograph", *args], capture_output=True, text=True, timeout=120)


def triples(store: Path, graph: str = GRAPH) -> set[tuple[str, str, str]]:
    opened = ox.Store.read_only(str(store))
    try:
        return {(str(q.subject), str(q.predicate), str(q.object)) for q in opened.quads_for_pattern(None, None, None, ox.NamedNode(graph))}
    finally:
        del opened


def graphs(store: Path) -> set[str]:
    opened = ox.Store.read_only(str(store))
    try:
        return {g.value for g in opened.named_graphs()}
    finally:
        del opened


@pytest.fixture()
def files(tmp_path) -> dict[str, Path]:
    first = tmp_path / "first.ttl"
    first.write_text("<urn:a> <urn:p> 1 .\n<urn:b> <urn:p> 2 .\n<urn:c> <urn:p> 3 .\n", encoding="utf-8")
    corrected = tmp_path / "corrected.ttl"
    corrected.write_text('<urn:a> <urn:p> 10 .\n_:x <urn:p> "ä \\"quoted\\""@et .\n', encoding="utf-8")
    return {"first": first, "corrected": corrected}


def test_re_importing_adds_but_replace_replaces(tmp_path, files):
    store = tmp_path / "store"
    assert bpograph("import", str(files["first"]), "--graph", GRAPH, "--store", str(store)).returncode == 0
    added = bpograph("import", str(files["corrected"]), "--graph", GRAPH, "--store", str(store))
    assert "added 2 triples" in added.stdout and len(triples(store)) == 5
    replaced = bpograph("import", str(files["corrected"]), "--graph", GRAPH, "--replace", "--store", str(store))
    assert replaced.returncode == 0, replaced.stderr
    assert replaced.stdout.strip() == f"bpograph import: replaced <{GRAPH}> with {files['corrected']} (2 triples in the graph now) in {store}"
    held = triples(store)
    assert len(held) == 2 and ("urn:a", "<urn:p>", '"10"^^<http://www.w3.org/2001/XMLSchema#integer>') in {
        (s.strip("<>"), p, o) for s, p, o in held}
    assert any(o == '"ä \\"quoted\\""@et' for _, _, o in held)
    assert "https://w3id.org/bpograph/graph/ontology/core" in graphs(store)  # nothing else was touched


def test_replace_with_a_dataset_replaces_every_graph_it_names(tmp_path):
    store = tmp_path / "store"
    old = tmp_path / "old.trig"
    old.write_text("<urn:d> <urn:p> 1 . GRAPH <https://example.org/g2> { <urn:e> <urn:p> 1 . <urn:f> <urn:p> 1 . }", encoding="utf-8")
    new = tmp_path / "new.trig"
    new.write_text("GRAPH <https://example.org/g2> { <urn:e> <urn:p> 2 . }", encoding="utf-8")
    assert bpograph("import", str(old), "--graph", GRAPH, "--store", str(store)).returncode == 0
    assert bpograph("import", str(new), "--graph", GRAPH, "--replace", "--store", str(store)).returncode == 0
    assert triples(store, "https://example.org/g2") == {("<urn:e>", "<urn:p>", '"2"^^<http://www.w3.org/2001/XMLSchema#integer>')}
    assert triples(store) == set() and GRAPH in graphs(store)  # the graph given is replaced (by nothing) and stays


def test_an_unreadable_replacement_changes_nothing(tmp_path, files):
    store = tmp_path / "store"
    bpograph("import", str(files["first"]), "--graph", GRAPH, "--store", str(store))
    broken = tmp_path / "broken.ttl"
    broken.write_text("<urn:a> <urn:p> 1 .\n<urn:a> <urn:p\n", encoding="utf-8")
    result = bpograph("import", str(broken), "--graph", GRAPH, "--replace", "--store", str(store))
    assert result.returncode == 2 and "broken.ttl, line 2" in result.stderr
    assert len(triples(store)) == 3


KILLED = """
import os, signal, sys
import bpograph.backends.oxigraph.store as store
moment = sys.argv[1]
write = store._write_marker
def killing(path, version, pending=None, **more):
    if pending is None and moment == "after-commit":
        os.kill(os.getpid(), signal.SIGKILL)
    write(path, version, pending, **more)
    if pending is not None and moment == "before-commit":
        os.kill(os.getpid(), signal.SIGKILL)
store._write_marker = killing
from bpograph.cli import main
sys.argv = ["bpograph", *sys.argv[2:]]
main()
"""


@pytest.mark.parametrize("moment", ["before-commit", "after-commit"])
@pytest.mark.parametrize("command", ["replace", "drop"])
def test_a_replace_or_drop_killed_leaves_the_old_graph_or_the_new_one(tmp_path, files, moment, command):
    store = tmp_path / "store"
    bpograph("import", str(files["first"]), "--graph", GRAPH, "--store", str(store))
    args = ["import", str(files["corrected"]), "--graph", GRAPH, "--replace"] if command == "replace" else ["drop", GRAPH]
    killed = subprocess.run([sys.executable, "-c", KILLED, moment, *args, "--store", str(store)],
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    size = len(triples(store))
    if moment == "before-commit":
        assert size == 3
    else:
        assert size == (2 if command == "replace" else 0)


def test_drop_removes_one_graph(tmp_path, files):
    store = tmp_path / "store"
    bpograph("import", str(files["first"]), "--graph", GRAPH, "--store", str(store))
    before = graphs(store)
    result = bpograph("drop", GRAPH, "--store", str(store))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"bpograph drop: removed <{GRAPH}> (3 triples) from {store}"
    assert graphs(store) == before - {GRAPH}


@pytest.mark.parametrize(("args", "says"), [
    (["import", "{file}", "--graph", "not an iri", "--store", "{store}"], "bpograph import: --graph 'not an iri' is not an absolute IRI"),
    (["import", "{file}", "--graph", "relative/path", "--store", "{store}"], "bpograph import: --graph 'relative/path' is not an absolute IRI"),
    (["drop", "not an iri", "--store", "{store}"], "bpograph drop: 'not an iri' is not an absolute IRI"),
    (["drop", "https://example.org/absent", "--store", "{store}"], "the store has no graph <https://example.org/absent>"),
    (["drop", GRAPH, "--store", "{nowhere}"], "there is no bpograph store here"),
])
def test_bad_arguments_get_one_line_and_exit_2(tmp_path, files, args, says):
    store = tmp_path / "store"
    bpograph("import", str(files["first"]), "--graph", GRAPH, "--store", str(store))
    before = triples(store)
    filled = [a.format(file=files["corrected"], store=store, nowhere=tmp_path / "nowhere") for a in args]
    result = bpograph(*filled)
    assert result.returncode == 2
    assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert triples(store) == before
    assert not (tmp_path / "nowhere").exists()


def test_drop_is_refused_while_a_server_serves_the_store(tmp_path, files):
    from serving import server_process

    store = tmp_path / "store"
    bpograph("import", str(files["first"]), "--graph", GRAPH, "--store", str(store))
    with server_process("--store", str(store), "--on-disk", log_path=tmp_path / "serve.log"):
        result = bpograph("drop", GRAPH, "--store", str(store))
        assert result.returncode == 2 and "a server is serving it" in result.stderr
    assert len(triples(store)) == 3


@pytest.mark.parametrize(("args", "says"), [
    (["import", "x.ttl"], "bpograph import: missing option '--graph'"),
    (["validate", "--format", "nope"], "bpograph validate: invalid value for '--format'"),
    (["serve", "--port", "abc"], "bpograph serve: invalid value for '--port'"),
    (["export", "--format", "csv"], "bpograph export: invalid value for '--format'"),
    (["query"], "bpograph query:"),
    (["nosuch"], "bpograph: no such command 'nosuch'"),
])
def test_a_bad_argument_to_any_command_gets_one_line_and_exit_2(args, says):
    result = bpograph(*args)
    assert result.returncode == 2
    assert result.stderr.startswith(says) and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Usage:" not in result.stderr and "Traceback" not in result.stderr
