"""Estonian that an Estonian reader signs: bpograph's own Estonian prose (labels, definitions,
notes; not the article's words) holds none of the faults the review of every Estonian string
found and mended. The article's wording stays where bpograph quotes it: in `bpo:quote`, in
`bpo:entryText`, inside „…” quotation marks, and in alternative or hidden labels that keep the
article's own term beside the Estonian one (ontology/README.md, "Labels")."""

from __future__ import annotations

import re

from rdflib import Literal, SKOS

from bpograph.namespaces import BPO

#: A pattern that bpograph's own Estonian must not match -> why.
FAULTS = {
    r"\bdelegeeri": "'delegeeritud' is the article's machine-translated garble: say 'määratud'",
    r"helista\w* välja": "'helistab välja' is a calque: 'teeb väljaminevaid kõnesid'",
    r"käsitlusa(eg|ja)": "a handle time is 'käsitlemisaeg' ('käsitlus' is a treatment of a subject)",
    r"kontaktkesk": "the EVS term is 'kontaktikeskus' ('Kliendikontaktikeskused', ISO 18295)",
    r"tüsistus": "'tüsistus' is medical: legal trouble is 'õiguslikud probleemid'",
    r"naaberriig": "nearshore is 'naaber- või lähiriik' (narrower 'naaberriik' contradicts the definition)",
    r"ülemere(?!operatsioon)": "offshore is 'välisriik'; only the article's 'ülemereoperatsioonid' is kept",
    r"võrguühenduseta": "'võrgu- või võrguühenduseta' repeats the article's garble: 'veebis või väljaspool veebi'",
    r"kõnede viis": "'kõnede viis' is the article's garble for the direction of calls: 'kõnede suund'",
    r"\bTeave hoitakse": "'hoidma' takes the partitive: 'Teavet hoitakse'",
    r"\btäpsustu": "'täpsustus' is a clarification, not a hedge: 'reservatsioon'",
    r"reguleerib leping": "garbled; a relation to a contract is 'aluseks olev leping'",
}

#: Predicates whose Estonian values are the article's own words, not bpograph's prose.
QUOTING = {BPO.quote, BPO.entryText, SKOS.altLabel, SKOS.hiddenLabel}

QUOTED = re.compile(r"„[^”]*”")


def own_estonian(graph):
    for subject, predicate, value in graph:
        if isinstance(value, Literal) and value.language == "et" and predicate not in QUOTING:
            yield subject, predicate, QUOTED.sub("„…”", str(value))


def test_own_estonian_prose_holds_none_of_the_mended_faults(knowledge):
    texts = list(own_estonian(knowledge))
    assert len(texts) > 900  # every label, definition and note, not a sample
    found = [(str(s).rsplit("/", 1)[-1], str(p).rsplit("#", 1)[-1], pattern, text)
             for s, p, text in texts for pattern in FAULTS if re.search(pattern, text, re.IGNORECASE)]
    assert found == [], "\n".join(f"{s} {p}: {FAULTS[pattern]}: {text}" for s, p, pattern, text in found)


def test_the_article_term_is_kept_beside_the_estonian_one(knowledge):
    # the review made the Estonian term preferred and kept the article's wording as an alternative
    for concept, preferred, article_term in (
        (BPO.BackOfficeOperations, "tagakontori toimingud", "back-office toimingud"),
        (BPO.HumanResources, "personalitöö", "inimressursid"),
        (BPO.TelephoneOperations, "telefonitöö", "telefonioperatsioonid"),
    ):
        assert knowledge.value(concept, SKOS.prefLabel, any=True) is not None
        assert Literal(preferred, lang="et") in set(knowledge.objects(concept, SKOS.prefLabel)), concept
        assert Literal(article_term, lang="et") in set(knowledge.objects(concept, SKOS.altLabel)), concept
