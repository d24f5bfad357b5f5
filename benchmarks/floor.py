"""The floor: a hello-world Flask app on the same WSGI server (waitress) as bpograph."""

import sys

from flask import Flask
from waitress import serve

app = Flask(__name__)


@app.route("/sparql")
def hello():
    return '{"head": {"vars": []}, "results": {"bindings": []}}', 200, {"Content-Type": "application/sparql-results+json"}


if __name__ == "__main__":
    serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8, ident="floor")
