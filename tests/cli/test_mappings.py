"""`bpograph mappings`: the alignments as an SSSOM mapping set that the SSSOM toolkit accepts."""

import logging
import warnings

import pytest
from rdflib import Graph
from rdflib.namespace import SKOS

from bpograph.cli import main
from bpograph.namespaces import BPO, WD


@pytest.fixture(scope="module")
def sssom_file(tmp_path_factory):
    from click.testing import CliRunner

    target = tmp_path_factory.mktemp("sssom") / "bpograph.sssom.tsv"
    result = CliRunner().invoke(main, ["mappings", "--format", "sssom", "-o", str(target)])
    assert result.exit_code == 0, result.output
    return target


def test_the_sssom_file_parses_and_validates_with_the_sssom_toolkit(sssom_file):
    logging.getLogger("sssom").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        # sssom 0.4 sets, on import, a pandas option that pandas 3 deprecates: the toolkit's business
        warnings.simplefilter("ignore")
        from sssom.parsers import parse_sssom_table
        from sssom.validators import validate

        mapping_set = parse_sssom_table(sssom_file)
        validate(mapping_set, fail_on_error=True)
    assert len(mapping_set.df) >= 40
    assert set(mapping_set.df["mapping_justification"]) == {"semapv:ManualMappingCuration"}
    assert mapping_set.metadata["mapping_set_id"] == "https://w3id.org/bpograph/mappings/bpograph.sssom.tsv"
    assert mapping_set.metadata["license"] == "https://creativecommons.org/licenses/by/4.0/"


def test_every_mapping_has_the_four_mandatory_slots_and_a_known_target(sssom_file):
    lines = [l for l in sssom_file.read_text(encoding="utf-8").splitlines() if not l.startswith("#")]
    header, *rows = [l.split("\t") for l in lines]
    for row in rows:
        record = dict(zip(header, row))
        assert all(record[k] for k in ("subject_id", "predicate_id", "object_id", "mapping_justification"))
        assert record["comment"].startswith(("target checked: linking-targets", "target checked: licence", "target is a term of a W3C"))


@pytest.mark.parametrize(("fmt", "parser"), [("turtle", "turtle"), ("jsonld", "json-ld")])
def test_the_mappings_as_rdf(runner, fmt, parser):
    result = runner.invoke(main, ["mappings", "--format", fmt])
    assert result.exit_code == 0
    graph = Graph().parse(data=result.stdout_bytes, format=parser)
    assert (BPO.QualityAssurance, SKOS.exactMatch, WD.Q836575) in graph
    assert all(str(s).startswith(str(BPO._NS)) for s in graph.subjects())
