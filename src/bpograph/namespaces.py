"""Every IRI the bpograph code names: its own namespaces, the vocabularies it uses and one prefix map."""

import re

from rdflib import Namespace, URIRef
from rdflib.namespace import (
    DCTERMS,
    OWL,
    PROV,
    RDF,
    RDFS,
    SH,
    SKOS,
    VANN,
    XSD,
    DefinedNamespace,
)

BASE = "https://w3id.org/bpograph/"


class BPO(DefinedNamespace):
    """The bpograph ontology namespace; an attribute that is not a term of the ontology raises.

    tests/unit/test_namespaces.py keeps this list equal to the terms defined in ontology/.
    """

    _NS = Namespace(BASE + "def/")
    _fail = True

    AbandonmentRate: URIRef
    Accounting: URIRef
    ActualMeaning: URIRef
    ActualMeaningBPO: URIRef
    ActualMeaningCallCentre: URIRef
    Advantage: URIRef
    AdvantagesScheme: URIRef
    AIDrivenMachine: URIRef
    AverageHandleTime: URIRef
    BackOfficeBPO: URIRef
    BackOfficeOperations: URIRef
    Believed: URIRef
    BuildingLongTermCustomerRelationships: URIRef
    BusinessActivity: URIRef
    BusinessFunction: URIRef
    BusinessModule: URIRef
    BusinessProcessOutsourcing: URIRef
    CallCentre: URIRef
    CallCentreEmployee: URIRef
    CallDirection: URIRef
    CallingMethod: URIRef
    CallsHandledPerDay: URIRef
    CaptiveOperation: URIRef
    ChannelsScheme: URIRef
    Characterisation: URIRef
    CharacterisationsScheme: URIRef
    ChatChannel: URIRef
    ChooseBestReturn: URIRef
    Claim: URIRef
    ClassificationCriterion: URIRef
    CommonArea: URIRef
    CommonGroundScheme: URIRef
    CommunicationIndustrySubdivision: URIRef
    CommunicationScheme: URIRef
    Comparison: URIRef
    ComparisonEntry: URIRef
    ComparisonParameter: URIRef
    ComparisonRow: URIRef
    ComparisonTable: URIRef
    ComplaintResolution: URIRef
    Consumer: URIRef
    ConsumerSatisfaction: URIRef
    ContactCentreMetric: URIRef
    ContactChannel: URIRef
    CopcCxStandard: URIRef
    Customer: URIRef
    CustomerQueryProcedure: URIRef
    CustomerService: URIRef
    CustomerSupport: URIRef
    DataProcessing: URIRef
    DeliveryLocationCollection: URIRef
    DeliveryLocationModel: URIRef
    DifferenceFunctions: URIRef
    DifferenceFunctionsBPO: URIRef
    DifferenceFunctionsCallCentre: URIRef
    DifferenceNature: URIRef
    DifferenceNatureBPO: URIRef
    DifferenceNatureCallCentre: URIRef
    DifferenceOperations: URIRef
    DifferenceOperationsBPO: URIRef
    DifferenceOperationsCallCentre: URIRef
    DifferenceReach: URIRef
    DifferenceReachBPO: URIRef
    DifferenceReachCallCentre: URIRef
    DifferenceTypes: URIRef
    DifferenceTypesBPO: URIRef
    DifferenceTypesCallCentre: URIRef
    DirectionOfCalls: URIRef
    Disadvantage: URIRef
    DissatisfiedCustomer: URIRef
    EasyQuickEarnings: URIRef
    EmailChannel: URIRef
    FirstContactResolution: URIRef
    ForeignCompany: URIRef
    Foreigners: URIRef
    ForeignTasks: URIRef
    FrontOfficeBPO: URIRef
    FunctionsScheme: URIRef
    GoodResponseForPotentialCustomers: URIRef
    GroupWork: URIRef
    HandlingIncomingOutgoingSources: URIRef
    HiddenCosts: URIRef
    HighConfidentiality: URIRef
    HighQualityRegulations: URIRef
    HorizontalBPO: URIRef
    HumanLink: URIRef
    HumanResources: URIRef
    ImportantFunctions: URIRef
    ImportantFunctionsBPO: URIRef
    ImportantFunctionsCallCentre: URIRef
    ImprovedRelationshipManagement: URIRef
    Inbound: URIRef
    InboundCallCentre: URIRef
    IncreasingCredibility: URIRef
    IncreasingSales: URIRef
    IndustryCode: URIRef
    Isic8220: URIRef
    IsicScheme: URIRef
    Iso18295Part1: URIRef
    Iso18295Part2: URIRef
    ITOutsourcing: URIRef
    ITRegulations: URIRef
    KeepingComprehensiveData: URIRef
    KindsScheme: URIRef
    KnowledgeProcessOutsourcing: URIRef
    LackOfConfidentiality: URIRef
    LegalComplicationsAfterNonRenewal: URIRef
    LegalProcessOutsourcing: URIRef
    LetProfessionalsOutsource: URIRef
    LocalisedSector: URIRef
    LocalIssues: URIRef
    LocationModelScheme: URIRef
    LossOfImportantCustomers: URIRef
    LowerOperationalControl: URIRef
    LowRisk: URIRef
    MainDifference: URIRef
    MainDifferences: URIRef
    Mainly: URIRef
    MakingCalls: URIRef
    Many: URIRef
    Marketing: URIRef
    MarketingSector: URIRef
    MetricsScheme: URIRef
    MinorArea: URIRef
    MoreImportantWithoutComputerisedTelephony: URIRef
    MostCommonTypes: URIRef
    MostCommonTypesBPO: URIRef
    MostCommonTypesCallCentre: URIRef
    Mostly: URIRef
    MultipleLocations: URIRef
    Nace82: URIRef
    Nace821: URIRef
    Nace8211: URIRef
    Nace8219: URIRef
    Nace822: URIRef
    Nace8220: URIRef
    NaceN: URIRef
    NaceScheme: URIRef
    Naics561421: URIRef
    Naics561422: URIRef
    NaicsScheme: URIRef
    Nearshore: URIRef
    Occupancy: URIRef
    OfficialCommunicationChannels: URIRef
    OfficialCustomerRelations: URIRef
    Offshore: URIRef
    OnlineAndOfflineFunctions: URIRef
    OnlineOrOfflineTask: URIRef
    Only: URIRef
    Onshore: URIRef
    OpenList: URIRef
    OperatingModel: URIRef
    OperatingModelsScheme: URIRef
    Operation: URIRef
    OperationsConducted: URIRef
    OperationsConductedBPO: URIRef
    OperationsConductedCallCentre: URIRef
    OperationsScheme: URIRef
    Organisation: URIRef
    Outbound: URIRef
    OutboundCallCentre: URIRef
    Outcome: URIRef
    Outsourcing: URIRef
    OutsourcingContract: URIRef
    OutsourcingContractForm: URIRef
    OverseasOperations: URIRef
    PartiesScheme: URIRef
    PartyKind: URIRef
    PaymentBasis: URIRef
    People: URIRef
    Place: URIRef
    PoorWorkLifeBalance: URIRef
    Possibly: URIRef
    PotentialCustomer: URIRef
    ProblemsSolvedPerDay: URIRef
    Procedure: URIRef
    ProcessingCustomerQueries: URIRef
    Producer: URIRef
    Purpose: URIRef
    Qualifier: URIRef
    QualifiersScheme: URIRef
    QualityAssurance: URIRef
    ReceivingCalls: URIRef
    Recommendation: URIRef
    Regulations: URIRef
    RelevanceInMarketing: URIRef
    RelevanceInMarketingBPO: URIRef
    RelevanceInMarketingCallCentre: URIRef
    SecureBusinessCommunication: URIRef
    SelfServiceChannel: URIRef
    Service: URIRef
    ServiceLevel: URIRef
    ServicesScheme: URIRef
    ServiceStandard: URIRef
    SharedCharacteristic: URIRef
    SharedServiceCentre: URIRef
    SignificantSalesIncrease: URIRef
    SingleLocation: URIRef
    Site: URIRef
    SiteModel: URIRef
    SiteModelCollection: URIRef
    SocialMessagingChannel: URIRef
    SolvingTechnicalProblems: URIRef
    Some: URIRef
    SourceDocument: URIRef
    StandardsScheme: URIRef
    StartingVenture: URIRef
    StrengtheningTies: URIRef
    StrongerMarketPosition: URIRef
    StrongITSupportSystem: URIRef
    TaskScope: URIRef
    TaskScopeCollection: URIRef
    TechnicalSupport: URIRef
    TelephoneOperations: URIRef
    Tension: URIRef
    ThirdPartyOperation: URIRef
    UnmetExpectations: URIRef
    UsableByAnyVentureSize: URIRef
    VerticalBPO: URIRef
    VoiceChannel: URIRef
    WorkerKind: URIRef
    WorkerMotive: URIRef
    WorkerRole: URIRef
    WorkingPractice: URIRef
    WorkScheme: URIRef
    YoungPeople: URIRef
    actsAs: URIRef
    affects: URIRef
    associatedWith: URIRef
    callDirection: URIRef
    characteristicOf: URIRef
    classificationCriterion: URIRef
    client: URIRef
    commonType: URIRef
    compares: URIRef
    concerns: URIRef
    conductsOperation: URIRef
    countryCode: URIRef
    deliveryModel: URIRef
    describedAs: URIRef
    doi: URIRef
    endDate: URIRef
    entryFor: URIRef
    entryText: URIRef
    explainedBy: URIRef
    focusesOn: URIRef
    followsStandard: URIRef
    governedBy: URIRef
    handlesCalls: URIRef
    hasAdvantage: URIRef
    hasDisadvantage: URIRef
    hasEntry: URIRef
    hasFunction: URIRef
    hasPurpose: URIRef
    hasRow: URIRef
    hasSite: URIRef
    includesProcedure: URIRef
    industryClassification: URIRef
    influences: URIRef
    involvesClaim: URIRef
    kindStatement: URIRef
    marketingRelevance: URIRef
    mentions: URIRef
    moreSpecialisedThan: URIRef
    mostCommonlyUsedBy: URIRef
    offersChannel: URIRef
    offersService: URIRef
    operatedBy: URIRef
    operatingModel: URIRef
    order: URIRef
    outsourcedActivity: URIRef
    paymentBasis: URIRef
    placesCallsTo: URIRef
    procedureFor: URIRef
    provider: URIRef
    qualifier: URIRef
    quote: URIRef
    reading: URIRef
    receivesCallsFrom: URIRef
    recommendationFor: URIRef
    reliesOn: URIRef
    siteModel: URIRef
    sourceLocation: URIRef
    startDate: URIRef
    taskScope: URIRef
    tracksMetric: URIRef
    typicallyDrawnFrom: URIRef
    url: URIRef
    workCriterion: URIRef
    workDoneBy: URIRef
    workerMotivation: URIRef
    workingPractice: URIRef


CLAIM = Namespace(BASE + "claim/")
"""Claims C01-C74 and tensions X01-X14 of the source article."""
SOURCE = Namespace(BASE + "source/")
"""Source documents: the article, its references and the sources of the enrichment."""
EXAMPLE = Namespace(BASE + "example/")
"""The fictional example data."""
SHAPES = Namespace(BASE + "shapes/")
"""The SHACL shapes (``SHAPES.DefinedTermShape`` ...)."""
GRAPH = Namespace(BASE + "graph/")
"""Names of the named graphs, one per shipped file."""
MODULE = Namespace(BASE + "ontology/")
"""Ontology module IRIs (``MODULE.core`` ...); the whole ontology is ``ONTOLOGY``."""
ONTOLOGY = URIRef(BASE + "ontology")
CONTRIBUTORS = URIRef(BASE + "agent/contributors")

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
DBR = Namespace("http://dbpedia.org/resource/")
WD = Namespace("http://www.wikidata.org/entity/")
GIST = Namespace("https://w3id.org/semanticarts/ns/ontology/gist/")
CMNS_ORG = Namespace("https://www.omg.org/spec/Commons/Organizations/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")

PREFIXES: dict[str, Namespace] = {
    "bpo": BPO._NS,
    "claim": CLAIM,
    "src": SOURCE,
    "ex": EXAMPLE,
    "dcterms": Namespace(str(DCTERMS)),
    "owl": Namespace(str(OWL)),
    "prov": Namespace(str(PROV)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "sh": Namespace(str(SH)),
    "skos": Namespace(str(SKOS)),
    "vann": Namespace(str(VANN)),
    "xsd": Namespace(str(XSD)),
    "org": ORG,
    "schema": SCHEMA,
    "dbr": DBR,
    "wd": WD,
    "gist": GIST,
    "cmns-org": CMNS_ORG,
}
"""One prefix map shared by Turtle output, SPARQL prologues, pages, and the prefixes the
endpoint predeclares for every query (as the Wikidata Query Service does)."""

#: :data:`PREFIXES` as plain strings, what the query engine takes; a query's own PREFIX wins.
SPARQL_PREFIXES: dict[str, str] = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}

STANDARD_NAMESPACES: tuple[str, ...] = tuple(
    str(ns) for ns in (RDF, RDFS, OWL, XSD, SKOS, DCTERMS, PROV, VANN, SH)
)
"""Vocabularies whose IRIs are not 'external links' in the sense of the alignment checks."""


def bind_prefixes(graph) -> None:
    """Bind :data:`PREFIXES` on ``graph`` (a Graph or Dataset) so serialisations stay readable."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)


def sparql_prologue() -> str:
    """The PREFIX lines for :data:`PREFIXES`, for queries written by people or tests."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


#: The one list of mapping predicates: what links a bpograph term to a term of another vocabulary,
#: with the name pages show. The SSSOM export writes all of them, VoID counts them as linksets;
#: entity pages list the first six under "mappings" (the last two appear in the hierarchy).
MAPPING_PREDICATES: dict[URIRef, str] = {
    SKOS.exactMatch: "exact match",
    SKOS.closeMatch: "close match",
    SKOS.broadMatch: "broad match",
    SKOS.narrowMatch: "narrow match",
    SKOS.relatedMatch: "related match",
    OWL.equivalentClass: "equivalent class",
    RDFS.subClassOf: "subclass of",
    RDFS.subPropertyOf: "subproperty of",
}
HIERARCHY_PREDICATES = frozenset({RDFS.subClassOf, RDFS.subPropertyOf})

_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")


def compact(iri: str) -> str:
    """``iri`` as a prefixed name of the prefix map (``bpo:CallCentre``, ``schema:Organization``),
    where one fits; the IRI itself otherwise."""
    best = max((ns for ns in SPARQL_PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is not None and _LOCAL_NAME.fullmatch(iri[len(best):]) and not iri.endswith("."):
        prefix = next(p for p, ns in SPARQL_PREFIXES.items() if ns == best)
        return f"{prefix}:{iri[len(best):]}"
    return iri


def with_base(query: str, base: str) -> str:
    """``query`` with the base of bpograph's IRIs in its string literals (``STRSTARTS(STR(?x),
    "https://w3id.org/bpograph/")``) replaced by ``base``, the ``base_iri`` setting: the pages,
    search and statistics of a deployment serve the IRIs under its own base. PREFIX lines (IRIs
    in angle brackets) keep bpograph's vocabulary.

    :raise ValueError: ``base`` holds a character a SPARQL string or an IRI may not.
    """
    if any(c in base for c in '"\\\n\r<> '):
        raise ValueError(f"not a usable base IRI: {base!r}")
    return query.replace('"' + BASE, '"' + base)
