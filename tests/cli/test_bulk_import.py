"""`bpograph import` into a new graph streams the file into Oxigraph's bulk loader (issue 11):
a broken file still changes nothing, an import killed mid-load is undone when the store is next
opened, and a terminal shows a progress bar."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

GRAPH = "https://example.org/bulk"
OTHER = "https://example.org/other"


def bpograph(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bpograph", *args], capture_output=True, text=True, timeout=300)


def held(store: Path) -> dict[str, int]:
    """Triples per named graph."""
    opened = ox.Store.read_only(str(store))
    try:
        counts: dict[str, int] = {g.value: 0 for g in opened.named_graphs()}
        for quad in opened.quads_for_pattern(None, None, None, None):
            if isinstance(quad.graph_name, ox.NamedNode):
                counts[quad.graph_name.value] += 1
        return counts
    finally:
        del opened


def marker(store: Path) -> dict:
    return json.loads((store / "bpograph-store.json").read_text())


@pytest.fixture()
def big(tmp_path) -> Path:
    path = tmp_path / "big.nt"
    with open(path, "w", encoding="utf-8") as stream:
        for i in range(60_000):
            stream.write(f"<http://example.org/s{i}> <http://example.org/p> \"value {i} of the bulk file\" .\n")
    return path


@pytest.fixture()
def store(tmp_path) -> Path:
    """A store that holds the shipped graph and one small graph of its own."""
    path = tmp_path / "store"
    small = tmp_path / "small.ttl"
    small.write_text("<urn:a> <urn:p> 1 .\n", encoding="utf-8")
    assert bpograph("import", str(small), "--graph", OTHER, "--store", str(path)).returncode == 0
    record = marker(path)  # dated in the past, so that a marker written again would show
    (path / "bpograph-store.json").write_text(json.dumps({**record, "built": "2020-01-01T00:00:00+00:00"}))
    return path


@pytest.mark.parametrize("suffix, body, line", [
    (".nt", '<urn:a> <urn:p> "1" .\n<urn:b> <urn:p> "2" .\n<urn:c> <urn:p "3" .\n', 3),
    (".ttl", "@prefix ex: <urn:x#> .\nex:a ex:p 1 .\nex:b ex:p ;\n", 3),
    (".nq", '<urn:a> <urn:p> "1" <urn:g> .\n<urn:b> <urn:p> "open .\n', 2),
])
def test_a_broken_file_in_a_streamed_format_changes_nothing(store, tmp_path, suffix, body, line):
    before, version, built = held(store), marker(store)["version"], marker(store)["built"]
    broken = tmp_path / f"broken{suffix}"
    broken.write_text(body, encoding="utf-8")
    result = bpograph("import", str(broken), "--graph", GRAPH, "--store", str(store))
    assert result.returncode == 2 and f"broken{suffix}, line {line}" in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert held(store) == before and (marker(store)["version"], marker(store)["built"]) == (version, built)


def test_a_file_into_a_new_graph_loads_whole(store, big):
    result = bpograph("import", str(big), "--graph", GRAPH, "--store", str(store))
    assert result.returncode == 0, result.stderr
    assert f"added 60000 triples to <{GRAPH}> (60000 in the graph now)" in result.stdout
    assert held(store)[GRAPH] == 60000 and "pending" not in marker(store)


def test_a_dataset_into_new_graphs_keeps_its_graphs(store, tmp_path):
    data = tmp_path / "set.nq"
    data.write_text('<urn:a> <urn:p> "1" .\n<urn:b> <urn:p> "2" <https://example.org/g2> .\n', encoding="utf-8")
    assert bpograph("import", str(data), "--graph", GRAPH, "--store", str(store)).returncode == 0
    counts = held(store)
    assert counts[GRAPH] == 1 and counts["https://example.org/g2"] == 1


KILLED = """
import os, signal, sys
import bpograph.backends.oxigraph.store as store
read = store._Reading.read
def killing(self, size=-1):
    data = read(self, size)
    if self._done > self._total * 0.75:  # three quarters through the bulk loader's pass
        os.kill(os.getpid(), signal.SIGKILL)
    return data
store._Reading.read = killing
from bpograph.cli import main
sys.argv = ["bpograph", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("opener", ["import", "serve"])
def test_an_import_killed_mid_load_is_undone_when_the_store_is_next_opened(store, big, tmp_path, opener):
    before, version, built = held(store), marker(store)["version"], marker(store)["built"]
    killed = subprocess.run([sys.executable, "-c", KILLED, "import", str(big), "--graph", GRAPH, "--store", str(store)],
                            capture_output=True, text=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert marker(store).get("undo") == [GRAPH] and GRAPH in held(store)  # cut off while loading
    if opener == "import":  # the next import undoes it first
        again = tmp_path / "again.ttl"
        again.write_text("<urn:z> <urn:p> 1 .\n", encoding="utf-8")
        assert bpograph("import", str(again), "--graph", OTHER, "--store", str(store)).returncode == 0
        assert held(store) == {**before, OTHER: before[OTHER] + 1}
    else:  # a server opening the store undoes it before it serves
        from serving import running_server

        with running_server("--store", str(store), log_path=tmp_path / "serve.log"):
            pass
        assert held(store) == before and "pending" not in marker(store)
        assert (marker(store)["version"], marker(store)["built"]) == (version, built)  # as it was, date and all


def test_a_terminal_shows_a_progress_bar(store, big):
    from serving import on_terminal

    status, text = on_terminal("import", str(big), "--graph", GRAPH, "--store", str(store))
    assert status == 0, text
    assert "bpograph import" in text and "100%" in text and f"added 60000 triples to <{GRAPH}>" in text


def test_a_broken_file_makes_no_store(tmp_path):
    broken = tmp_path / "broken.nt"
    broken.write_text('<urn:a> <urn:p> "1" .\n<urn:a> <urn:p "2" .\n', encoding="utf-8")
    result = bpograph("import", str(broken), "--graph", GRAPH, "--store", str(tmp_path / "new-store"))
    assert result.returncode == 2 and "broken.nt, line 2" in result.stderr
    assert not (tmp_path / "new-store").exists()


BAD = Path(__file__).parents[1] / "data" / "bad"


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.iterdir()))
def test_every_broken_file_gets_one_line_and_changes_nothing(store, name):
    """The project's broken files (every format), through either import path, into a store."""
    before, version = held(store), marker(store)["version"]
    result = bpograph("import", str(BAD / name), "--graph", GRAPH, "--store", str(store))
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert name in result.stderr
    assert held(store) == before and marker(store)["version"] == version


@pytest.mark.parametrize("suffix", [".nt", ".ttl", ".nq", ".trig"])
def test_an_empty_file_makes_an_empty_graph(store, tmp_path, suffix):
    empty = tmp_path / f"empty{suffix}"
    empty.write_text("", encoding="utf-8")
    result = bpograph("import", str(empty), "--graph", GRAPH, "--store", str(store))
    assert result.returncode == 0, result.stderr
    assert f"added 0 triples to <{GRAPH}> (0 in the graph now)" in result.stdout
    assert held(store)[GRAPH] == 0


def test_a_folder_or_a_missing_file_is_one_line(store, tmp_path):
    for path, says in ((tmp_path / "nowhere.nt", "No such file or directory"), (tmp_path, "")):
        result = bpograph("import", str(path), "--graph", GRAPH, "--store", str(store))
        assert result.returncode == 2, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
        assert says in result.stderr


def test_a_graph_filled_by_another_import_before_this_one_takes_the_store_is_not_dropped_with_a_broken_file(
        store, tmp_path, monkeypatch):
    """A bulk import is undone by dropping its graphs: another import that fills the graph just
    before this one takes the store must keep its triples when this file turns out broken.
    Played out in process: the other import runs just before the bulk import takes the store."""
    from bpograph.backends.oxigraph import store as module
    from bpograph.errors import InputError

    good = tmp_path / "good.nt"
    good.write_text("<http://example.org/kept> <http://example.org/p> \"written in between\" .\n", encoding="utf-8")
    broken = tmp_path / "broken.nt"
    broken.write_text("<http://example.org/s> <http://example.org/p> \"fine\" .\nnot a triple\n", encoding="utf-8")
    bulk = module._bulk_import

    def racing(*args, **kwargs):
        module._transactional_import(store, good, ox.NamedNode(GRAPH), GRAPH, False)  # the other import
        return bulk(*args, **kwargs)

    monkeypatch.setattr(module, "_bulk_import", racing)
    with pytest.raises(InputError, match="line 2"):
        module.import_file(store, broken, GRAPH)
    assert held(store)[GRAPH] == 1 and held(store)[OTHER] == 1
    assert "pending" not in marker(store)
