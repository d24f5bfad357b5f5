"""The interface language of the pages (et or en): chosen by the user with ?lang=, remembered in a
cookie, and defaulting to the browser's Accept-Language. It is separate from the data: pages
always show the labels of both languages."""

from __future__ import annotations

import re

from flask import Flask, Response, g, request

COOKIE = "bpograph_lang"
UI_LANGUAGES = ("en", "et")

STRINGS = {
    "en": {
        "kinds": "Kinds", "comparison": "BPO vs call centre", "examples": "Examples", "docs": "Ontology", "search": "Search",
        "texts": "Labels and definitions", "hierarchy": "Hierarchy", "statements": "Statements", "mappings": "Mappings",
        "provenance": "Provenance", "tensions": "Contradictions in the source", "incoming": "Linked from",
        "type": "Type", "broader": "Broader", "narrower": "Narrower", "property": "Property", "value": "Value",
        "source": "Source", "query_this": "Query this", "data": "Data", "missing": "translation missing",
        "switch": "eesti keeles", "licence": "Ontology, vocabulary and data", "skip": "Skip to content",
    },
    "et": {
        "kinds": "Liigid", "comparison": "BPO vs kõnekeskus", "examples": "Näited", "docs": "Ontoloogia", "search": "Otsi",
        "texts": "Sildid ja definitsioonid", "hierarchy": "Hierarhia", "statements": "Väited", "mappings": "Vastendused",
        "provenance": "Päritolu", "tensions": "Vastuolud allikas", "incoming": "Viitavad siia",
        "type": "Tüüp", "broader": "Laiem", "narrower": "Kitsam", "property": "Omadus", "value": "Väärtus",
        "source": "Allikas", "query_this": "Päri seda", "data": "Andmed", "missing": "tõlge puudub",
        "switch": "in English", "licence": "Ontoloogia, sõnavara ja andmed", "skip": "Sisu juurde",
    },
}


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
