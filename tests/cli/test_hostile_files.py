"""Files that try to make bpograph fetch, read outside themselves or blow up: every command that
reads RDF (validate, import, serve --data) refuses them with one line and exit status 2, at once,
and fetches nothing; the entities that ontology editors write still work."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bpograph.cli import main
from canary import canary_server

HOSTILE = Path(__file__).parents[1] / "data" / "hostile"


@pytest.fixture()
def remote_context(tmp_path):
    with canary_server() as canary:
        document = {"@context": canary.url + "context.jsonld", "@id": "http://example.org/s", "name": "x"}
        path = tmp_path / "remote.jsonld"
        path.write_text(json.dumps(document), encoding="utf-8")
        nested = tmp_path / "nested.jsonld"
        nested.write_text(json.dumps({"@context": {"@version": 1.1}, "@graph": [
            {"@context": [{"ex": "http://example.org/"}, canary.url + "c2"], "@id": "ex:s", "ex:p": "v"}]}), encoding="utf-8")
        yield canary, [path, nested]


def test_validate_fetches_no_json_ld_context(runner, remote_context):
    canary, files = remote_context
    for path in files:
        result = runner.invoke(main, ["validate", str(path)])
        assert result.exit_code == 2, result.output
        assert "is a reference; bpograph fetches nothing" in result.output
    assert canary.hits == []


def test_import_and_serve_fetch_no_json_ld_context(runner, remote_context, tmp_path):
    canary, files = remote_context
    result = runner.invoke(main, ["import", str(files[0]), "--graph", "http://example.org/g", "--store", str(tmp_path / "store")])
    assert result.exit_code == 2, result.output
    served = subprocess.run([sys.executable, "-m", "bpograph", "serve", "--port", "0", "--data", str(files[1])],
                            capture_output=True, text=True, timeout=60)
    assert served.returncode == 2 and "cannot load" in served.stderr, served.stderr
    assert canary.hits == []


@pytest.mark.parametrize(("name", "words"), [("laughs.rdf", "refers to other entities"), ("external.rdf", "external entity")])
def test_rdf_xml_entities_that_could_blow_up_or_reach_out_are_refused_at_once(runner, tmp_path, name, words):
    for args in (["validate", str(HOSTILE / name)],
                 ["import", str(HOSTILE / name), "--graph", "http://example.org/g", "--store", str(tmp_path / "s")]):
        started = time.monotonic()
        result = runner.invoke(main, args)
        assert result.exit_code == 2, result.output
        assert words in result.output and "line" in result.output
        assert "Traceback" not in result.output
        assert time.monotonic() - started < 20
    served = subprocess.run([sys.executable, "-m", "bpograph", "serve", "--port", "0", "--data", str(HOSTILE / name)],
                            capture_output=True, text=True, timeout=60)
    assert served.returncode == 2 and words in served.stderr


def test_the_entities_ontology_editors_write_still_work(runner, tmp_path):
    assert runner.invoke(main, ["validate", str(HOSTILE / "entities.rdf")]).exit_code == 0
    result = runner.invoke(main, ["import", str(HOSTILE / "entities.rdf"), "--graph", "http://example.org/g",
                                  "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    assert "added 2 triples" in result.output
