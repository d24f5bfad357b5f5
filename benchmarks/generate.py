"""Seeded generator of fictional instance data for the benchmarks, valid under shapes/data.ttl.

    python benchmarks/generate.py --triples 1000000 --seed 7 -o /tmp/bench-1m.nt

Writes N-Triples through pyoxigraph's serializer: organisations with sites and industry codes,
call centres with directions, sites and operators, and outsourcing engagements with client,
provider, activities, dates and delivery model. Labels are in Estonian and English.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta

import pyoxigraph as ox

BPO = "https://w3id.org/bpograph/def/"
BENCH = "https://example.org/bench/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
XSD_DATE_TIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")

KINDS = ["BusinessProcessOutsourcing", "HorizontalBPO", "VerticalBPO", "BackOfficeBPO", "FrontOfficeBPO",
         "KnowledgeProcessOutsourcing", "ITOutsourcing"]
ACTIVITIES = ["HumanResources", "Accounting", "QualityAssurance", "ITRegulations", "CustomerService",
              "TechnicalSupport", "DataProcessing", "CustomerSupport", "ComplaintResolution", "Marketing"]
CODES = ["Nace8220", "Nace8211", "Nace8219", "Isic8220", "Naics561421", "Naics561422"]
COUNTRIES = ["EE", "LV", "LT", "FI", "SE", "PL", "PH", "IN", "PT", "IE"]
WORDS_ET = ["kõnekeskus", "tugi", "äri", "teenus", "jäätis", "õun", "põhja", "lõuna", "küla", "mets"]
WORDS_EN = ["contact", "support", "business", "service", "north", "south", "village", "forest", "harbour", "valley"]
DELIVERY = ["Onshore", "Nearshore", "Offshore"]
# Triples per unit: a site (3), an organisation (6), a call centre (6), two engagements (8.5 each).
PER_UNIT = 32


def bpo(name: str) -> ox.NamedNode:
    return ox.NamedNode(BPO + name)


def bench(kind: str, index: int) -> ox.NamedNode:
    return ox.NamedNode(f"{BENCH}{kind}/{index}")


def triples(total: int, seed: int):
    rng = random.Random(seed)
    units = max(1, total // PER_UNIT)
    for i in range(units):
        site, org, centre = bench("site", i), bench("org", i), bench("centre", i)
        yield ox.Triple(site, RDF_TYPE, bpo("Site"))
        yield ox.Triple(site, LABEL, ox.Literal(f"site {i}", language="en"))
        yield ox.Triple(site, bpo("countryCode"), ox.Literal(rng.choice(COUNTRIES)))
        word = rng.randrange(len(WORDS_ET))
        yield ox.Triple(org, RDF_TYPE, bpo("Organisation"))
        yield ox.Triple(org, LABEL, ox.Literal(f"{WORDS_ET[word]} {i} OÜ", language="et"))
        yield ox.Triple(org, LABEL, ox.Literal(f"{WORDS_EN[word]} {i} Ltd", language="en"))
        yield ox.Triple(org, bpo("hasSite"), site)
        yield ox.Triple(org, bpo("industryClassification"), bpo(rng.choice(CODES)))
        yield ox.Triple(org, bpo("hasSite"), bench("site", rng.randrange(units)))
        direction = rng.choice(["Inbound", "Outbound"])
        yield ox.Triple(centre, RDF_TYPE, bpo(f"{direction}CallCentre"))
        yield ox.Triple(centre, LABEL, ox.Literal(f"kõnekeskus {i}", language="et"))
        yield ox.Triple(centre, LABEL, ox.Literal(f"call centre {i}", language="en"))
        yield ox.Triple(centre, bpo("callDirection"), bpo(direction))
        yield ox.Triple(centre, bpo("hasSite"), site)
        yield ox.Triple(centre, bpo("operatedBy"), org)
        for j in range(2):
            engagement = bench("engagement", 2 * i + j)
            client = bench("org", rng.randrange(units))
            provider = org if client != org else bench("org", (i + 1) % units)
            start = date(2015, 1, 1) + timedelta(days=rng.randrange(3000))
            yield ox.Triple(engagement, RDF_TYPE, bpo(rng.choice(KINDS)))
            yield ox.Triple(engagement, LABEL, ox.Literal(f"engagement {2 * i + j}", language="en"))
            yield ox.Triple(engagement, bpo("client"), client)
            yield ox.Triple(engagement, bpo("provider"), provider)
            yield ox.Triple(engagement, bpo("outsourcedActivity"), bpo(rng.choice(ACTIVITIES)))
            yield ox.Triple(engagement, bpo("startDate"), ox.Literal(start.isoformat() + "T00:00:00", datatype=XSD_DATE_TIME))
            yield ox.Triple(engagement, bpo("deliveryModel"), bpo(rng.choice(DELIVERY)))
            if rng.random() < 0.5:
                end = start + timedelta(days=rng.randrange(1, 2000))
                yield ox.Triple(engagement, bpo("endDate"), ox.Literal(end.isoformat() + "T00:00:00", datatype=XSD_DATE_TIME))
            yield ox.Triple(engagement, bpo("outsourcedActivity"), bpo(rng.choice(ACTIVITIES)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    ox.serialize(triples(args.triples, args.seed), args.output, format=ox.RdfFormat.N_TRIPLES)


if __name__ == "__main__":
    main()
