"""Updates need the operator's key, always (a web page in the user's own browser can POST to
127.0.0.1): `serve --update` refuses to start without one, an update without the key gets 401 and
with a wrong one 403, in constant time, and no update response carries CORS headers, so another
site's page can neither change the data nor read an answer."""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
import urllib.parse

import pytest

from http_client import fetch
from serving import UPDATE_AUTH, UPDATE_KEY, server_process

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _count(endpoint: str) -> int:
    reply = fetch("GET", endpoint, params={"query": COUNT})
    return int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def writable(tmp_path_factory):
    folder = tmp_path_factory.mktemp("update-key")
    data = folder / "data.ttl"
    data.write_text("<urn:a> <urn:b> <urn:c> . <urn:d> <urn:e> <urn:f> .\n", encoding="utf-8")
    key_file = folder / "key"
    key_file.write_text(UPDATE_KEY + "\n", encoding="utf-8")
    with server_process("--update", "--update-key-file", str(key_file), "--no-default-data", "--data", str(data),
                        log_path=folder / "serve.log", env={"BPOGRAPH_UPDATE_KEY": ""}) as (base, _):
        yield base + "/sparql"


@pytest.mark.parametrize(("env", "args", "words"), [
    ({}, [], "--update needs a key"),
    ({"BPOGRAPH_UPDATE_KEY": "short"}, [], "at least 16 characters"),
    ({}, ["--update-key-file", "/nonexistent/key"], "cannot read the update key file"),
])
def test_update_without_a_usable_key_refuses_to_start(env, args, words):
    environment = {k: v for k, v in __import__("os").environ.items() if k != "BPOGRAPH_UPDATE_KEY"} | env
    done = subprocess.run([sys.executable, "-m", "bpograph", "serve", "--update", "--port", "0", *args],
                          capture_output=True, text=True, timeout=60, env=environment)
    assert done.returncode == 2, done.stderr
    assert words in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_an_update_without_the_key_gets_401_and_changes_nothing(writable):
    before = _count(writable)
    for headers in (FORM, {**FORM, "Authorization": "Basic dXNlcjpwYXNz"}, {**FORM, "Authorization": "Bearer "}):
        reply = fetch("POST", writable, body="update=DROP%20ALL", headers=headers)
        assert reply.status == 401, reply.text
        assert reply.headers["WWW-Authenticate"].startswith("Bearer")
        assert "Authorization: Bearer KEY" in reply.text
    assert _count(writable) == before


def test_a_wrong_key_gets_403_and_changes_nothing(writable):
    before = _count(writable)
    for wrong in (UPDATE_KEY[:-1], UPDATE_KEY + "x", "x" * len(UPDATE_KEY)):
        reply = fetch("POST", writable, body="DROP ALL", headers={"Content-Type": "application/sparql-update",
                                                                 "Authorization": f"Bearer {wrong}"})
        assert reply.status == 403 and "wrong" in reply.text
    assert _count(writable) == before


def test_the_key_lets_an_update_through(writable):
    before = _count(writable)
    reply = fetch("POST", writable, body="update=" + urllib.parse.quote("INSERT DATA { <urn:x> <urn:y> <urn:z> }"),
                  headers={**FORM, **UPDATE_AUTH})
    assert reply.status == 204, reply.text
    assert _count(writable) == before + 1


def test_no_update_response_carries_cors_while_queries_do(writable):
    for headers in (FORM, {**FORM, **UPDATE_AUTH}, {**FORM, "Authorization": "Bearer wrong-key-0123456789"}):
        reply = fetch("POST", writable, body="update=" + urllib.parse.quote("INSERT DATA { <urn:c1> <urn:c2> 1 }"),
                      headers={**headers, "Origin": "http://evil.example"})
        assert "Access-Control-Allow-Origin" not in reply.headers, (reply.status, dict(reply.headers))
    query = fetch("GET", writable, params={"query": "ASK {}"}, headers={"Origin": "http://evil.example"})
    assert query.headers["Access-Control-Allow-Origin"] == "*"
    # a script on another site that wanted to send the key would first ask; nothing approves the header
    preflight = fetch("OPTIONS", writable, headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST",
                                                    "Access-Control-Request-Headers": "authorization"})
    assert "Access-Control-Allow-Headers" not in preflight.headers


def test_the_service_description_says_updates_are_on(writable):
    reply = fetch("GET", writable, headers={"Accept": "text/turtle"})
    assert "SPARQL11Update" in reply.text
    assert "Read-only" not in reply.text and "update key" in reply.text


@pytest.mark.browser
def test_a_page_of_another_site_in_a_real_browser_cannot_drop_the_data(writable, browser):
    """The attack from the report: another origin's page posts update=DROP ALL to the endpoint."""
    page_html = f"""<!doctype html><title>x</title>
      <form id="f" method="post" action="{writable}"><input name="update" value="DROP ALL"></form>
      <script>document.getElementById("f").submit()</script>""".encode()

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page_html)))
            self.end_headers()
            self.wfile.write(page_html)

        def log_message(self, *args):
            pass

    other_site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=other_site.serve_forever, daemon=True).start()
    before = _count(writable)
    assert before > 0
    context = browser.new_context()
    try:
        tab = context.new_page()
        with tab.expect_response(lambda r: r.url == writable) as posted:
            tab.goto(f"http://127.0.0.1:{other_site.server_address[1]}/")
        assert posted.value.status == 401
    finally:
        context.close()
        other_site.shutdown()
        other_site.server_close()
    assert _count(writable) == before
