"""The interface language of the pages (et or en): chosen by the user with ?lang=, remembered in a
cookie, and defaulting to the browser's Accept-Language. It is separate from the data: pages
always show the labels of both languages."""

from __future__ import annotations

import re

from flask import Flask, Response, g, request

COOKIE = "bpograph_lang"
UI_LANGUAGES = ("en", "et")

#: Every interface string, in both interface languages (tests/browser/test_languages.py finds
#: any English left on an Estonian page). Texts with {placeholders} are filled with |format.
STRINGS = {
    "en": {
        # site
        "kinds": "Kinds", "comparison": "BPO vs call centre", "examples": "Examples", "docs": "Ontology", "search": "Search",
        "query_editor": "SPARQL", "index_own": "A–Z", "index_other": "A–Ü", "switch": "eesti keeles",
        "licence": "Ontology, vocabulary and data", "skip": "Skip to content", "home": "Home",
        # entity pages
        "texts": "Labels and definitions", "hierarchy": "Hierarchy", "statements": "Statements", "mappings": "Mappings",
        "provenance": "Provenance", "tensions": "Contradictions in the source", "incoming": "Linked from",
        "type": "Type", "broader": "Broader", "narrower": "Narrower", "property": "Property", "value": "Value",
        "source": "Source", "query_this": "Query this", "data": "Data", "missing": "translation missing",
        "in_et": "In Estonian", "in_en": "In English", "for_example": "e.g.", "breadcrumb": "Path in the hierarchy",
        "prefLabel": "Preferred label", "altLabel": "Alternative labels", "definition": "Definition", "scopeNote": "Scope note",
        "note": "Note", "editorialNote": "Editorial note", "title": "Title", "description": "Description",
        "entryText": "Text", "quote": "Quote", "reading": "Reading",
        "exact match": "exact match", "close match": "close match", "broad match": "broad match",
        "narrow match": "narrow match", "related match": "related match", "equivalent class": "equivalent class",
        # claim pages
        "claim_location": "Where in the article", "claim_statements": "Statements that rest on this claim",
        "claim_none": "No statement of the graph cites this claim.",
        # home
        "home_intro": "A bilingual (Estonian and English) knowledge graph of business process outsourcing and call centres: {triples} triples in {graphs} graphs.",
        "home_kinds": "Kinds of outsourcing and call centres", "home_table": "BPO vs call centre: the comparison table",
        "home_ontology": "The ontology", "home_side_by_side": "BPO vs call centre, side by side",
        "home_examples": "Example queries", "home_endpoint": "the SPARQL endpoint",
        "home_endpoint_note": "(its service description carries VoID statistics)", "and_the": "and",
        "home_index": "Alphabetical index", "index_et": "in Estonian", "index_en": "in English",
        "schemes": "Concept schemes", "classes": "Class hierarchy", "downloads": "Download the whole dataset",
        "download_trig": "(one named graph per file)", "download_ttl": "(all graphs merged)",
        "statistics": "Statistics", "void": "the VoID and service description",
        "void_note": "(triples per graph, classes, properties, links to other datasets)",
        # search
        "search_label": "Label in Estonian or English", "search_button": "Search",
        "results": "{n} results for", "result": "1 result for", "no_results": "No results for",
        "showing": "showing {first}–{last}", "previous": "Previous", "next": "Next", "in_scheme": "in",
        # index
        "index_title": "A–Z index", "other_index": "The index in Estonian",
        # comparison
        "comparison_title": "BPO vs call centre",
        "comparison_intro": "What the source article says, cell by cell: the Estonian text as the article has it, an English reading, and the claim it is recorded as.",
        "comparison_table": "Comparison table", "main_differences": "Main differences", "parameter": "Parameter", "difference": "Difference",
        # examples
        "examples_title": "Example queries",
        "examples_intro": "The competency questions of bpograph as SPARQL. Each runs in CI against the graph, with its answer checked.",
        "claims": "claims", "rests_on": "Rests on claims", "open_editor": "Open in the query editor",
        "raw_answer": "Raw answer (JSON)", "all_examples": "All examples", "answer": "Answer", "rows": "rows", "row": "row",
        # docs
        "docs_title": "bpograph ontology", "modules": "Modules", "individuals": "Individuals", "term": "Term",
        "other_label": "In English", "domain_range": "Domain → range", "superclasses": "Superclasses",
        "group_classes": "Classes", "group_object properties": "Object properties", "group_datatype properties": "Datatype properties",
        "group_annotation properties": "Annotation properties",
        "meta_title": "title", "meta_description": "description", "meta_versionInfo": "version", "meta_versionIRI": "version IRI",
        "meta_license": "licence", "meta_creator": "creator", "meta_modified": "modified", "meta_bibliographicCitation": "citation",
        "meta_imports": "imports", "meta_preferredNamespaceUri": "namespace", "meta_preferredNamespacePrefix": "prefix",
        # graphs, not found
        "named_graph": "Named graph", "graph_size": "{n} triples. One named graph holds one shipped file", "query_it": "Query it",
        "not_found": "Not found", "not_found_text": "bpograph knows nothing about",
        # query editor
        "endpoint_title": "SPARQL endpoint",
        "endpoint_intro": "Read-only SPARQL 1.1 endpoint at {endpoint}; a GET without a query returns the service description. The editor below is YASGUI, served from this server.",
        "prefixes": "Prefixes declared for every query (a query's own PREFIX wins)", "query": "Query",
        "result_format": "Result format", "time_limit": "Time limit (s)", "server_default": "server default", "run": "Run",
        "diagram_neighbourhood": "{label}: broader and narrower terms", "diagram_classes": "bpograph class hierarchy",
    },
    "et": {
        "kinds": "Liigid", "comparison": "BPO vs kõnekeskus", "examples": "Näited", "docs": "Ontoloogia", "search": "Otsi",
        "query_editor": "SPARQL", "index_own": "A–Ü", "index_other": "A–Z", "switch": "in English",
        "licence": "Ontoloogia, sõnavara ja andmed", "skip": "Sisu juurde", "home": "Avaleht",
        "texts": "Sildid ja definitsioonid", "hierarchy": "Hierarhia", "statements": "Väited", "mappings": "Vastendused",
        "provenance": "Päritolu", "tensions": "Vastuolud allikas", "incoming": "Viitavad siia",
        "type": "Tüüp", "broader": "Laiem", "narrower": "Kitsam", "property": "Omadus", "value": "Väärtus",
        "source": "Allikas", "query_this": "Päri seda", "data": "Andmed", "missing": "tõlge puudub",
        "in_et": "Eesti keeles", "in_en": "Inglise keeles", "for_example": "nt", "breadcrumb": "Asukoht hierarhias",
        "prefLabel": "Eelistatud silt", "altLabel": "Teised sildid", "definition": "Definitsioon", "scopeNote": "Kasutusmärkus",
        "note": "Märkus", "editorialNote": "Toimetaja märkus", "title": "Pealkiri", "description": "Kirjeldus",
        "entryText": "Tekst", "quote": "Tsitaat", "reading": "Tõlgendus",
        "exact match": "täpne vaste", "close match": "lähedane vaste", "broad match": "laiem vaste",
        "narrow match": "kitsam vaste", "related match": "seotud vaste", "equivalent class": "samaväärne klass",
        "claim_location": "Asukoht artiklis", "claim_statements": "Väited, mis sellele allikaväitele toetuvad",
        "claim_none": "Ükski graafi väide ei viita sellele allikaväitele.",
        "home_intro": "Äriprotsesside allhanke ja kõnekeskuste kakskeelne (eesti ja inglise) teadmusgraaf: {triples} kolmikut {graphs} graafis.",
        "home_kinds": "Allhanke ja kõnekeskuste liigid", "home_table": "BPO vs kõnekeskus: võrdlustabel",
        "home_ontology": "Ontoloogia", "home_side_by_side": "BPO ja kõnekeskus kõrvuti",
        "home_examples": "Näidispäringud", "home_endpoint": "SPARQL-i päringupunkt",
        "home_endpoint_note": "(selle teenusekirjeldus sisaldab VoID-statistikat)", "and_the": "ja",
        "home_index": "Tähestikuline register", "index_et": "eesti keeles", "index_en": "inglise keeles",
        "schemes": "Mõisteskeemid", "classes": "Klasside hierarhia", "downloads": "Laadi alla kogu andmestik",
        "download_trig": "(iga fail oma nimelises graafis)", "download_ttl": "(kõik graafid kokku)",
        "statistics": "Statistika", "void": "VoID ja teenusekirjeldus",
        "void_note": "(kolmikud graafi kaupa, klassid, omadused, lingid teistesse andmestikesse)",
        "search_label": "Silt eesti või inglise keeles", "search_button": "Otsi",
        "results": "{n} tulemust päringule", "result": "1 tulemus päringule", "no_results": "Tulemusi pole päringule",
        "showing": "näidatakse {first}–{last}", "previous": "Eelmised", "next": "Järgmised", "in_scheme": "skeemis",
        "index_title": "Tähestikuline register", "other_index": "Register inglise keeles",
        "comparison_title": "BPO vs kõnekeskus",
        "comparison_intro": "Mida lähteartikkel ütleb, lahter lahtri kaupa: eestikeelne tekst nagu artiklis, ingliskeelne tõlgendus ja allikaväide, millena see on kirja pandud.",
        "comparison_table": "Võrdlustabel", "main_differences": "Peamised erinevused", "parameter": "Parameeter", "difference": "Erinevus",
        "examples_title": "Näidispäringud",
        "examples_intro": "bpographi pädevusküsimused SPARQL-is. Iga päring käib pideva integratsiooni käigus graafi peal ja selle vastust kontrollitakse.",
        "claims": "allikaväited", "rests_on": "Toetub allikaväidetele", "open_editor": "Ava päringuredaktoris",
        "raw_answer": "Toores vastus (JSON)", "all_examples": "Kõik näited", "answer": "Vastus", "rows": "rida", "row": "rida",
        "docs_title": "bpographi ontoloogia", "modules": "Moodulid", "individuals": "Isendid", "term": "Termin",
        "other_label": "Inglise keeles", "domain_range": "Valdkond → väärtusvaldkond", "superclasses": "Ülemklassid",
        "group_classes": "Klassid", "group_object properties": "Objektiomadused", "group_datatype properties": "Andmeomadused",
        "group_annotation properties": "Annotatsiooniomadused",
        "meta_title": "pealkiri", "meta_description": "kirjeldus", "meta_versionInfo": "versioon", "meta_versionIRI": "versiooni IRI",
        "meta_license": "litsents", "meta_creator": "looja", "meta_modified": "muudetud", "meta_bibliographicCitation": "viitamine",
        "meta_imports": "impordib", "meta_preferredNamespaceUri": "nimeruum", "meta_preferredNamespacePrefix": "eesliide",
        "named_graph": "Nimeline graaf", "graph_size": "{n} kolmikut. Üks nimeline graaf sisaldab üht kaasasolevat faili", "query_it": "Päri seda",
        "not_found": "Ei leitud", "not_found_text": "bpograph ei tea midagi IRI-st",
        "endpoint_title": "SPARQL-i päringupunkt",
        "endpoint_intro": "Ainult lugemiseks mõeldud SPARQL 1.1 päringupunkt aadressil {endpoint}; päringuta GET tagastab teenusekirjelduse. Allolev redaktor on YASGUI, mida jagab see server.",
        "prefixes": "Igas päringus kehtivad eesliited (päringu enda PREFIX on ülimuslik)", "query": "Päring",
        "result_format": "Vastuse vorming", "time_limit": "Ajapiir (s)", "server_default": "serveri vaikimisi", "run": "Käivita",
        "diagram_neighbourhood": "{label}: laiemad ja kitsamad mõisted", "diagram_classes": "bpographi klasside hierarhia",
    },
}
assert STRINGS["en"].keys() == STRINGS["et"].keys()


def ui_language() -> str:
    """The interface language of this request: ?lang=, else the cookie, else Accept-Language.
    Worked out when a page first asks (the SPARQL endpoint never does)."""
    if "ui_lang" not in g:
        asked = request.args.get("lang")
        if asked in UI_LANGUAGES:
            g.ui_lang, g.remember = asked, True
        else:
            remembered = request.cookies.get(COOKIE)
            g.remember = False
            g.ui_lang = remembered if remembered in UI_LANGUAGES else (
                request.accept_languages.best_match(UI_LANGUAGES, default="en") or "en")
    return g.ui_lang


#: Characters that change the direction of the text around them (embeddings, overrides, isolates, marks).
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def isolate_bidi(value):
    """Every value a template writes, with its direction controls kept inside it: a value that
    holds any is wrapped in FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE, which ends every
    embedding or override opened inside (Unicode bidirectional algorithm, UAX #9), so that a
    label from the data cannot reverse the page around it. Works in text and attributes alike."""
    if isinstance(value, str) and _BIDI.search(value):
        return value.__class__("\u2068") + value + value.__class__("\u2069")
    return value


def init_app(app: Flask) -> None:
    app.jinja_env.finalize = isolate_bidi

    @app.after_request
    def remember_language(response: Response) -> Response:
        if "ui_lang" not in g:  # no page of this request depended on the interface language
            return response
        if g.remember:
            response.set_cookie(COOKIE, g.ui_lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        response.vary.add("Cookie")
        response.vary.add("Accept-Language")
        return response

    @app.context_processor
    def strings() -> dict:
        lang = ui_language()
        other = "et" if lang == "en" else "en"
        return {"ui": STRINGS[lang], "ui_lang": lang, "ui_other": other}
