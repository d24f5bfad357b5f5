"""External IRIs: only checked ones, listed in ontology/external-iris.tsv, linked the recommended way."""

import re
from collections import defaultdict

import pytest
from rdflib import URIRef
from rdflib.namespace import OWL, SKOS

from bpograph.dataset import resource_root
from bpograph.namespaces import BASE, DBR, STANDARD_NAMESPACES, WD

LISTED_FILE = resource_root() / "ontology" / "external-iris.tsv"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
NOT_VERIFIED = re.compile(r"do not use|reject|verified as wrong|verified as removed|mismatch", re.I)


def listed() -> dict[str, str]:
    lines = [l for l in LISTED_FILE.read_text(encoding="utf-8").splitlines() if l and not l.startswith("#")]
    header, *body = lines
    assert header.split("\t") == ["iri", "evidence"]
    return dict(line.split("\t", 1) for line in body)


def used_external_iris(graph) -> set[str]:
    return {
        str(node)
        for triple in graph
        for node in triple
        if isinstance(node, URIRef)
        and not str(node).startswith(BASE)
        and not str(node).startswith(STANDARD_NAMESPACES)
    }


def test_the_list_is_exactly_the_external_iris_the_graph_uses(knowledge):
    used = used_external_iris(knowledge)
    assert used == set(listed()), (
        f"used but not listed: {sorted(used - set(listed()))}; listed but unused: {sorted(set(listed()) - used)}"
    )


def _verified_in(research: str, iri: str) -> bool:
    wikidata = re.fullmatch(re.escape(str(WD)) + r"(Q\d+)", iri)
    for row in research.splitlines():
        if not row.startswith("|"):
            continue
        cells = [c.strip() for c in row.strip("|").split("|")]
        mentions = f"`{iri}`" in row or (wikidata and re.search(rf"(^|[\s/`]){wikidata.group(1)}(\s|`|$)", cells[0]))
        if mentions and cells[-1].startswith("yes") and not NOT_VERIFIED.search(row):
            return True
    return False


@pytest.mark.parametrize("iri", sorted(set(listed()) - {LICENCE}))
def test_each_listed_iri_is_marked_verified_in_the_linking_research(iri, shared_dir):
    research = (shared_dir / "reference" / "linking-targets.md").read_text(encoding="utf-8")
    assert _verified_in(research, iri), f"{iri} is not in a row marked 'yes' in linking-targets.md"


def test_the_research_check_rejects_what_the_research_rejects(shared_dir):
    research = (shared_dir / "reference" / "linking-targets.md").read_text(encoding="utf-8")
    assert not _verified_in(research, str(WD.Q828012))  # rejected for "customer service"
    assert not _verified_in(research, "https://spec.edmcouncil.org/fibo/ontology/FND/Organizations/Organizations/Organization")
    assert _verified_in(research, str(WD.Q836575))


def test_no_identity_links_to_wikidata_or_dbpedia(knowledge):
    for predicate in (OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty):
        for _, target in knowledge.subject_objects(predicate):
            assert not str(target).startswith((str(WD), str(DBR))), f"{predicate.n3()} to {target}"


def test_no_exact_match_to_two_concepts_of_one_external_scheme(knowledge):
    by_scheme = defaultdict(set)
    for subject, target in knowledge.subject_objects(SKOS.exactMatch):
        scheme = str(target).rsplit("/", 1)[0]
        by_scheme[(subject, scheme)].add(target)
    assert {k: v for k, v in by_scheme.items() if len(v) > 1} == {}


def test_no_exact_match_clashes_with_a_broad_or_narrow_match(knowledge):
    exact = set(knowledge.subject_objects(SKOS.exactMatch))
    hierarchical = set(knowledge.subject_objects(SKOS.broadMatch)) | set(knowledge.subject_objects(SKOS.narrowMatch))
    assert exact & hierarchical == set()


def test_business_function_classes_that_mean_something_else_are_not_used(knowledge):
    iris = {str(node) for triple in knowledge for node in triple}
    assert "http://purl.org/goodrelations/v1#BusinessFunction" not in iris
    assert "https://schema.org/BusinessFunction" not in iris
