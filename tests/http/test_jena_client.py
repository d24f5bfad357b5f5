"""Apache Jena (Debian's libapache-jena-java, ARQ's QueryExecutionHTTP) queries a live
bpograph endpoint: SELECT, ASK and CONSTRUCT come back as Jena reads them.

Debian's Jena 4.5 moves its bundled Xerces classes to the package ``xerces`` but leaves their
message files under ``org/apache/jena/ext/xerces``; Jena then fails to start
(ExceptionInInitializerError in SchemaDVFactory). The fixture copies those files to where the
classes look for them, on the test's own class path; nothing on the system is changed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from http_client import fetch
from serving import on_both_backends

#: every test here holds on the embedded store and on Virtuoso
live_server, endpoint = on_both_backends()

JAVA_DIR = Path("/usr/share/java")
CLIENT = Path(__file__).parent / "jena" / "JenaClient.java"
KINDS = """PREFIX bpo: <https://w3id.org/bpograph/def/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?kind ?label WHERE { ?kind skos:inScheme bpo:KindsScheme ; skos:prefLabel ?label . FILTER(LANG(?label) = "et") }"""


@pytest.fixture(scope="module")
def classpath(tmp_path_factory) -> str:
    core = JAVA_DIR / "jena-core.jar"
    if shutil.which("java") is None or not core.exists():
        pytest.fail("Java and Debian's libapache-jena-java are needed (the README's test command installs them)")
    resources = tmp_path_factory.mktemp("jena-resources")
    prefix = "org/apache/jena/ext/xerces/"
    with zipfile.ZipFile(core) as jar:
        for name in jar.namelist():
            if name.startswith(prefix) and name.endswith(".properties"):
                target = resources / "xerces" / name[len(prefix):]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    # every library jar once (Debian links each versioned jar to an unversioned name), with one
    # logging binding
    jars = [str(jar) for jar in sorted(JAVA_DIR.glob("*.jar"))
            if not re.search(r"-\d[\d.]*\.jar$", jar.name) and not jar.name.startswith(("slf4j-", "maven3-slf4j"))]
    return ":".join([str(resources), *jars, str(JAVA_DIR / "slf4j-api.jar"), str(JAVA_DIR / "slf4j-nop.jar")])


def jena(classpath: str, endpoint: str, form: str, query: str) -> str:
    result = subprocess.run(["java", "-cp", classpath, str(CLIENT), endpoint, form, query],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


def test_jena_reads_a_select(classpath, endpoint):
    expected = json.loads(fetch("GET", endpoint, params={"query": KINDS}).body)["results"]["bindings"]
    assert len(expected) > 5
    assert jena(classpath, endpoint, "select", KINDS) == f"rows {len(expected)} vars kind,label"


def test_jena_reads_an_ask(classpath, endpoint):
    assert jena(classpath, endpoint, "ask", "ASK { <urn:nothing> ?p ?o }") == "ask false"
    assert jena(classpath, endpoint, "ask", "ASK { ?s ?p ?o }") == "ask true"


def test_jena_reads_a_construct(classpath, endpoint):
    query = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://w3id.org/bpograph/graph/data/example> { ?s ?p ?o } }"
    turtle = fetch("GET", endpoint, params={"query": query}, headers={"Accept": "text/turtle"})
    from rdflib import Graph

    expected = len(Graph().parse(data=turtle.body, format="turtle"))
    assert expected > 50
    assert jena(classpath, endpoint, "construct", query) == f"triples {expected}"
