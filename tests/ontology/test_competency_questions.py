"""Each competency question of the specification, as a shipped SPARQL example, returns its answer."""

import pytest
from rdflib import Literal, URIRef

from bpograph.examples import load_examples
from bpograph.namespaces import BPO

EXAMPLES = {example.id: example for example in load_examples()}


def rows(shipped, example_id):
    return [tuple(_plain(v) for v in row) for row in shipped.query(EXAMPLES[example_id].text)]


def _plain(value):
    """Local name for bpograph IRIs, the lexical form for literals, None for unbound."""
    if value is None:
        return None
    if isinstance(value, URIRef) and str(value).startswith(str(BPO._NS)):
        return str(value)[len(str(BPO._NS)):]
    if isinstance(value, Literal):
        return str(value)
    return str(value)


def column(result, index):
    return {row[index] for row in result}


def test_every_example_has_bilingual_titles_and_claims():
    assert len(EXAMPLES) >= 20
    for example in EXAMPLES.values():
        assert example.title_en and example.title_et and example.claims
        assert example.title_en != example.title_et


def test_cq01_what_bpo_stands_for(shipped):
    assert rows(shipped, "CQ01") == [("BusinessProcessOutsourcing", "business process outsourcing", "äriprotsesside allhange")]


def test_cq02_what_kind_of_thing_bpo_is(shipped):
    assert set(rows(shipped, "CQ02")) == {
        ("CommunicationIndustrySubdivision", "subdivision of the communication industry", "C03"),
        ("OutsourcingContractForm", "form of outsourcing contract", "C04"),
        ("CallingMethod", "calling method", "C28"),
    }


def test_cq03_types_of_bpo(shipped):
    assert rows(shipped, "CQ03") == [("HorizontalBPO", "horizontal BPO"), ("VerticalBPO", "vertical BPO")]


def test_cq04_types_of_call_centre_and_criterion(shipped):
    assert rows(shipped, "CQ04") == [
        ("InboundCallCentre", "inbound call centre", "manner of the calls"),
        ("OutboundCallCentre", "outbound call centre", "manner of the calls"),
    ]


def test_cq06_comparison_parameters_in_order(shipped):
    assert rows(shipped, "CQ06") == [
        ("1", "actual meaning", "tegelik tähendus"),
        ("2", "operations conducted", "läbiviidud operatsioonid"),
        ("3", "relevance in marketing", "asjakohasus turunduses"),
        ("4", "important functions", "olulised funktsioonid"),
        ("5", "most common types", "levinumad tüübid"),
    ]


def test_cq07_operations_of_bpo_are_an_open_list(shipped):
    result = rows(shipped, "CQ07")
    assert column(result, 0) == {"HumanResources", "Accounting", "QualityAssurance", "ITRegulations"}
    assert column(result, 2) == {"OpenList"}


def test_cq08_operations_of_a_call_centre(shipped):
    assert set((r[0], r[2]) for r in rows(shipped, "CQ08")) == {
        ("MakingCalls", "conductsOperation"),
        ("ReceivingCalls", "conductsOperation"),
        ("KeepingComprehensiveData", "conductsOperation"),
        ("ProcessingCustomerQueries", "conductsOperation"),
        ("TelephoneOperations", "reliesOn"),
    }


def test_cq09_services_of_bpo(shipped):
    assert column(rows(shipped, "CQ09"), 0) == {"CustomerService", "TechnicalSupport", "DataProcessing"}


def test_cq10_functions_of_bpo_with_technical_support_as_a_minor_area(shipped):
    result: dict[str, set] = {}
    for r in rows(shipped, "CQ10"):
        result.setdefault(r[0], set()).update({r[2]} if r[2] else set())
    assert result == {
        "IncreasingSales": set(),  # C39 lists it, C40 names it among "some": stated flatly by neither alone
        "Marketing": {"OpenList"},  # C39: "muuhulgas ... jne"
        "SolvingTechnicalProblems": {"Some"},  # C40: "Mõned BPO levinumad funktsioonid"
        "TechnicalSupport": {"MinorArea", "OpenList"},
    }


def test_cq12_relevance_in_marketing_keeps_both_answers(shipped):
    assert {(r[0], r[1], r[3]) for r in rows(shipped, "CQ12")} == {
        ("BusinessProcessOutsourcing", "BackOfficeOperations", "C43"),
        ("BusinessProcessOutsourcing", "OverseasOperations", "C45"),
        ("CallCentre", "CustomerSupport", "C44"),
        ("CallCentre", "ComplaintResolution", "C44"),
    }


def test_cq13_advantages_of_bpo(shipped):
    assert column(rows(shipped, "CQ13"), 0) == {"StrongITSupportSystem", "HighQualityRegulations", "LowRisk", "HighConfidentiality"}


def test_cq14_disadvantages_of_bpo_keep_the_may(shipped):
    assert {r[0]: r[2] for r in rows(shipped, "CQ14")} == {
        "HiddenCosts": None,
        "LegalComplicationsAfterNonRenewal": "Possibly",
    }


def test_cq15_advantages_of_call_centres(shipped):
    assert column(rows(shipped, "CQ15"), 0) == {
        "ImprovedRelationshipManagement", "SignificantSalesIncrease", "GoodResponseForPotentialCustomers", "StrongerMarketPosition",
    }


def test_cq16_disadvantages_of_call_centres_in_both_languages(shipped):
    result = rows(shipped, "CQ16")
    assert column(result, 0) == {
        "LowerOperationalControl", "LackOfConfidentiality", "UnmetExpectations", "LossOfImportantCustomers", "PoorWorkLifeBalance",
    }
    assert "konfidentsiaalsuse puudumine" in column(result, 2)


def test_cq17_what_both_have_in_common(shipped):
    assert column(rows(shipped, "CQ17"), 0) == {
        "UsableByAnyVentureSize", "MoreImportantWithoutComputerisedTelephony", "OnlineAndOfflineFunctions", "SecureBusinessCommunication",
    }


def test_cq18_who_does_the_work_and_who_is_paid(shipped):
    assert {(r[0].rsplit("/", 1)[-1], r[1]) for r in rows(shipped, "CQ18")} == {
        ("workDoneBy", "People"), ("workDoneBy", "AIDrivenMachine"),
        ("paymentBasis", "CallsHandledPerDay"), ("paymentBasis", "ProblemsSolvedPerDay"),
    }


def test_cq19_who_takes_call_centre_jobs_and_why(shipped):
    assert rows(shipped, "CQ19") == [("young people", "easy and quick earnings")]


def test_cq20_number_of_locations_keeps_the_hedge_on_bpo_only(shipped):
    assert set(rows(shipped, "CQ20")) == {
        ("BusinessProcessOutsourcing", "MultipleLocations", "Possibly"),
        ("CallCentre", "SingleLocation", None),
    }


def test_cq21_foreign_and_local(shipped):
    assert set((r[0], r[1].rsplit("/", 1)[-1], r[2], r[3]) for r in rows(shipped, "CQ21")) == {
        ("BusinessProcessOutsourcing", "taskScope", "ForeignTasks", None),
        ("BusinessProcessOutsourcing", "mostCommonlyUsedBy", "ForeignCompany", None),
        ("CallCentre", "taskScope", "LocalIssues", "Mainly"),
    }


def test_cq23_more_specialised(shipped):
    assert rows(shipped, "CQ23") == [("BusinessProcessOutsourcing", "CallCentre", "C25")]


def test_cq25_sources_and_last_update(shipped):
    result = rows(shipped, "CQ25")
    assert column(result, 0) == {"2023-08-06"}
    assert column(result, 2) == {"10.1201/9781482280623", "10.1108/08858620110400205"}


def test_cq26_hedges_are_counted(shipped):
    counts = {label: int(n) for label, n in rows(shipped, "CQ26")}
    assert counts["open list"] >= 10
    assert {"mostly", "mainly", "may", "it is believed", "as a minor area"} <= counts.keys()


def test_cq27_the_comparison_table_cell_by_cell(shipped):
    result = rows(shipped, "CQ27")
    assert len(result) == 10
    assert {r[4] for r in result} == {"C05", "C11", "C34", "C36", "C43", "C44", "C39", "C41", "C29", "C30"}
    assert ("1", "actual meaning", "CallCentre") in {r[:3] for r in result}


@pytest.mark.parametrize("example_id", sorted(EXAMPLES))
def test_every_example_returns_rows(shipped, example_id):
    assert rows(shipped, example_id), f"{example_id} returns nothing"


def test_who_handles_customer_queries_and_as_what(shipped):
    """C10 (the work is done by people or AI-driven machines) joined with C14 (the people working
    in call centres are the human link): the people are the human link, the machines are not."""
    query = """PREFIX bpo: <https://w3id.org/bpograph/def/>
    SELECT ?who ?role WHERE { bpo:CallCentre bpo:workDoneBy ?who . OPTIONAL { ?who bpo:actsAs ?role } }"""
    assert {tuple(_plain(v) for v in row) for row in shipped.query(query)} == {("People", "HumanLink"), ("AIDrivenMachine", None)}
