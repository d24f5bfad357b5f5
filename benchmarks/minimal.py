"""The minimal Flask + pyoxigraph endpoint: the peer that shows what a SPARQL endpoint costs in
this process model before any of bpograph's work. The same waitress, pre-forked as bpograph
serve runs (2 processes x 4 threads), each process with the data in an in-memory Oxigraph store;
a GET /sparql?query=... is evaluated in the request thread and written by Oxigraph as SPARQL JSON
results or Turtle. No parse check, no fair share, no time limit, no row cap, no ETag.

    python benchmarks/minimal.py PORT FILE...
"""

import argparse
import socket

import pyoxigraph as ox
from flask import Flask, Response, request
from floor import prefork
from waitress import serve


def _app(files: list[str]) -> Flask:
    store = ox.Store()
    for name in files:
        store.bulk_load(path=name, format=ox.RdfFormat.from_extension(name.rsplit(".", 1)[1]))
    app = Flask(__name__)

    @app.route("/sparql")
    def sparql() -> Response:
        result = store.query(request.args["query"])
        if isinstance(result, ox.QueryTriples):
            return Response(result.serialize(format=ox.RdfFormat.TURTLE), content_type="text/turtle")
        return Response(result.serialize(format=ox.QueryResultsFormat.JSON), content_type="application/sparql-results+json")

    return app


def _serve(sock: socket.socket, files: list[str], threads: int) -> None:
    serve(_app(files), sockets=[sock], threads=threads, ident="minimal")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("files", nargs="+")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    prefork(args.port, args.processes, _serve, args.files, args.threads)


if __name__ == "__main__":
    main()
