"""Validating one's own data, as documented: a mistyped bpo: term is a violation on the node
that uses it, with the nearest term bpograph defines; every report format holds the same
results; an unreadable file gets the error in the format asked for and a line of the file; and
the quick way of finding the shapes' targets gives exactly what pySHACL's full run gives."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph
from rdflib.namespace import SH

from bpograph.dataset import load_graph
from bpograph.errors import InputError
from bpograph.validate import validate_files

ROOT = Path(__file__).parents[2]
SHAPE_FIXTURES = ROOT / "tests" / "data" / "shapes"
TYPOS = """@prefix bpo: <https://w3id.org/bpograph/def/> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:centre a bpo:CallCenter ; bpo:callDirecton bpo:Inbound ; rdfs:label "Typo centre" .
ex:other a bpo:CallCentre ; bpo:callDirection bpo:Inbound ; bpo:hasSite ex:s .
ex:s a bpo:Site ; bpo:countryCode "EE" ; bpo:floorr 3 .
"""


def bpograph(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bpograph", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture()
def typos(tmp_path) -> Path:
    path = tmp_path / "typos.ttl"
    path.write_text(TYPOS, encoding="utf-8")
    return path


def test_a_mistyped_class_or_property_is_a_violation_with_a_suggestion(typos):
    result = bpograph("validate", str(typos))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "  Violation bpo:CallCenter is not a term of bpograph; did you mean bpo:CallCentre? [rdf:type] (value: bpo:CallCenter)" in lines
    assert any("bpo:callDirecton is not a term of bpograph; did you mean bpo:callDirection?" in line for line in lines)
    assert any("bpo:floorr is not a term of bpograph" in line for line in lines)
    # reported on the node that uses it, and once: not again as an undeclared class or property
    assert "<https://example.org/centre>" in lines and "OOPS! P34" not in result.stdout and "OOPS! P35" not in result.stdout


def _results(fmt: str, path: Path) -> list[tuple[str, str, str]]:
    out = bpograph("validate", str(path), "--format", fmt).stdout
    if fmt == "json":
        return sorted((g["focus"], r["severity"], r["message"]) for g in json.loads(out)["focusNodes"] for r in g["results"])
    if fmt == "turtle":
        graph = Graph().parse(data=out, format="turtle")
        return sorted((str(graph.value(r, SH.focusNode)), str(graph.value(r, SH.resultSeverity)).rsplit("#", 1)[1],
                       str(graph.value(r, SH.resultMessage))) for r in graph.subjects(SH.resultSeverity, None))
    rows, focus = [], None
    for line in out.splitlines()[1:]:
        if line and not line.startswith(" "):
            focus = line.strip("<>")
        elif line.startswith("  "):
            severity, message = line.split(None, 1)
            rows.append((focus, severity, re.sub(r"( \[[^\]]*\])?( \(value: .*\))?$", "", message)))
    return rows


@pytest.mark.parametrize("name", ["typos", "OrganisationShape.ttl", "P13.ttl", "SiteShape.ttl"])
def test_every_format_reports_the_same_results(typos, name):
    path = {"typos": typos, "example.ttl": ROOT / "data" / "example.ttl"}.get(name, SHAPE_FIXTURES / name)
    as_json, as_turtle, as_text = _results("json", path), _results("turtle", path), _results("text", path)
    assert len(as_json) == len(as_turtle) == len(as_text) > 0
    assert sorted((s, m) for _, s, m in as_json) == sorted((s, m) for _, s, m in as_turtle) == sorted((s, m) for _, s, m in as_text)
    assert sorted(as_json) == sorted(as_turtle)
    turtle = Graph().parse(data=bpograph("validate", str(path), "--format", "turtle").stdout, format="turtle")
    conforms = json.loads(bpograph("validate", str(path), "--format", "json").stdout)["conforms"]
    assert [c.toPython() for c in turtle.objects(None, SH.conforms)] == [conforms]


def test_an_unreadable_file_gets_a_json_report_of_the_error(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e\n", encoding="utf-8")
    result = bpograph("validate", str(path), "--format", "json")
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["conforms"] is False and report["error"]["file"] == str(path)
    assert report["error"]["line"] == 3 and report["error"]["reason"]
    assert result.stderr.startswith(f"bpograph validate: cannot read {path}, line 3: ")
    text = bpograph("validate", str(path))
    assert text.returncode == 2 and text.stdout == ""


def _lines(data: str) -> int:
    return data.count("\n") + (0 if data.endswith("\n") or not data else 1)


@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".trig", ".jsonld", ".rdf"])
def test_the_line_of_a_syntax_error_is_a_line_of_the_file(tmp_path, suffix):
    """Files cut short at 40 random places: every error is an InputError (no other exception
    escapes the parsers) and names a line the file has."""
    source = Graph().parse(ROOT / "data" / "example.ttl")
    whole = source.serialize(format={".ttl": "turtle", ".nt": "nt", ".trig": "trig", ".jsonld": "json-ld", ".rdf": "xml"}[suffix])
    rng = random.Random(suffix)
    checked = 0
    for cut in sorted(rng.sample(range(10, len(whole) - 2), 40)):
        text = whole[:cut]
        path = tmp_path / f"cut{cut}{suffix}"
        path.write_text(text, encoding="utf-8")
        try:
            load_graph([path])
        except InputError as error:
            assert error.reason
            if error.line is not None:
                assert 1 <= error.line <= _lines(text), (cut, str(error), _lines(text))
                checked += 1
    assert checked >= 10


def _comparable(report) -> set[tuple]:
    def name(node):  # blank nodes get new labels on every parse
        return "_:blank" if isinstance(node, BNode) else str(node)

    return {(name(r.focus), str(r.severity), r.message, name(r.path), name(r.value), name(r.node_shape)) for r in report.results}


def _fixtures_together() -> list[Path]:
    """The fixtures validated together with the shipped graph, less those with blank nodes (which
    take the full run anyway)."""
    def blank_free(path: Path) -> bool:
        return not any(isinstance(node, BNode) for triple in Graph().parse(path) for node in triple)

    return [p for p in sorted(SHAPE_FIXTURES.glob("*.ttl"))
            if "# mode: alone" not in p.read_text(encoding="utf-8") and blank_free(p)]


# Each fixture makes one shape fail, and together they make every shape fail; the full run takes
# seconds, so the fixtures are compared together, and a few files of other kinds alone.
@pytest.mark.parametrize("files", [
    "together",
    [ROOT / "data" / "example.ttl"],
    [ROOT / "tests" / "data" / "vocab" / "researcher-data.ttl"],
    [SHAPE_FIXTURES / "OrganisationShape.ttl"],
    [SHAPE_FIXTURES / "P13.ttl"],
], ids=lambda f: "together" if f == "together" else f[0].name)
def test_the_quick_targets_give_what_pyshacls_full_run_gives(files):
    files = _fixtures_together() if files == "together" else files
    quick, full = validate_files(files, engine="pyshacl"), validate_files(files, full=True, engine="pyshacl")
    assert _comparable(quick) == _comparable(full)
    assert len(quick.results) == len(full.results)


def test_the_quick_targets_agree_on_the_typos_too(typos):
    assert _comparable(validate_files([typos], engine="pyshacl")) == \
        _comparable(validate_files([typos], full=True, engine="pyshacl")) != set()
