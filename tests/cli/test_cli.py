"""The bpograph command line: validate and export, their reports and exit codes."""

import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from rdflib.namespace import SH

from bpograph.cli import main
from bpograph.dataset import load_shipped

DATA = Path(__file__).parents[1] / "data"


def test_validate_without_files_checks_the_shipped_graph(runner):
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("conforms: 0 violations, 0 warnings, 16 infos")  # the documented P13 decision


def test_validate_reports_violations_grouped_by_focus_node(runner):
    result = runner.invoke(main, ["validate", str(DATA / "shapes" / "OutsourcingEngagementShape.ttl")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("does not conform: 1 violation,")
    focus = lines.index("<http://example.org/OutsourcingEngagementShape-backwards>")
    assert "Violation" in lines[focus + 1] and "not after its bpo:endDate" in lines[focus + 1]


def test_validate_the_example_data_as_a_users_file(runner):
    result = runner.invoke(main, ["validate", str(Path("data") / "example.ttl")])
    assert result.exit_code == 0, result.output
    assert result.output == "conforms: 0 violations, 0 warnings, 0 infos\n"


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("unbound-prefix.ttl", "unbound-prefix.ttl, line 3: Prefix \"bpo2:\" not bound"),
        ("missing-object.nt", "missing-object.nt, line 2: not a valid N-Triples statement"),
        ("mismatched-tag.rdf", "mismatched-tag.rdf, line 3: mismatched tag"),
        ("missing-value.jsonld", "missing-value.jsonld, line 3: Expecting value"),
        ("unterminated-literal.nq", "unterminated-literal.nq, line 2: not a valid N-Quads statement"),
    ],
)
def test_unreadable_input_exits_2_with_file_and_line(runner, name, where):
    result = runner.invoke(main, ["validate", str(DATA / "bad" / name)])
    assert result.exit_code == 2
    assert where in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert result.stdout == ""


def test_validate_json_report_is_machine_readable(runner):
    result = runner.invoke(main, ["validate", "--format", "json", str(DATA / "shapes" / "SiteShape.ttl")])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["conforms"] is False and report["violations"] == 1
    [group] = report["focusNodes"]
    assert group["focus"] == "http://example.org/SiteShape-site"
    assert "ISO 3166-1 alpha-2" in group["results"][0]["message"]


def test_validate_turtle_report_is_a_shacl_report(runner):
    result = runner.invoke(main, ["validate", "--format", "turtle", str(DATA / "shapes" / "SiteShape.ttl")])
    assert result.exit_code == 1
    report = Graph().parse(data=result.stdout, format="turtle")
    assert len(list(report.subjects(predicate=SH.resultSeverity, object=SH.Violation))) >= 1


@pytest.mark.parametrize(("fmt", "parser"), [("trig", "trig"), ("nquads", "nquads"), ("jsonld", "json-ld")])
def test_export_keeps_every_named_graph(runner, fmt, parser):
    result = runner.invoke(main, ["export", "--format", fmt])
    assert result.exit_code == 0
    exported = Dataset()
    exported.parse(data=result.stdout_bytes, format=parser)
    shipped = load_shipped()
    expected = {g.identifier: g for g in shipped.graphs() if len(g)}
    got = {g.identifier: g for g in exported.graphs() if len(g)}
    assert got.keys() == expected.keys()
    for name, graph in expected.items():  # the same triples, blank nodes matched by isomorphism
        assert isomorphic(_copy(got[name]), _copy(graph)), name


@pytest.mark.parametrize(("fmt", "parser"), [("turtle", "turtle"), ("ntriples", "nt"), ("rdfxml", "xml")])
def test_export_as_triples_gives_the_union(runner, fmt, parser):
    result = runner.invoke(main, ["export", "--format", fmt])
    assert result.exit_code == 0
    exported = Graph().parse(data=result.stdout_bytes, format=parser)
    union = Graph()
    for triple in load_shipped().triples((None, None, None)):
        union.add(triple)
    # blank nodes get new names in every parse: the same triples up to their renaming
    assert isomorphic(exported, union)


def test_export_to_a_file_writes_it_whole(runner, tmp_path):
    target = tmp_path / "bpograph.trig"
    result = runner.invoke(main, ["export", "--format", "trig", "--output", str(target)])
    assert result.exit_code == 0
    assert len(Dataset().parse(target, format="trig")) > 0
    assert [p.name for p in tmp_path.iterdir()] == ["bpograph.trig"]


def test_export_into_a_missing_folder_fails_cleanly(runner, tmp_path):
    target = tmp_path / "missing" / "bpograph.trig"
    result = runner.invoke(main, ["export", "--output", str(target)])
    assert result.exit_code == 2
    assert "cannot write" in result.stderr
    assert not target.exists()


def test_the_cli_offers_every_report_format():
    from bpograph import cli, reporting

    assert cli.REPORT_FORMATS == reporting.REPORT_FORMATS


def _copy(graph) -> Graph:
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    return copy
