"""The form a query goes to the remote store in is exactly what ``urlencode(doseq=True)`` writes,
whatever the values (the dataset's lists are encoded once and reused)."""

from __future__ import annotations

import random
from urllib.parse import parse_qsl, urlencode

from bpograph.backends.remote.connection import form

ALPHABET = "abcXYZ019 &=?#%+/:;,\"'<>~\u00e4\u00f5\u0161\u20ac\U0001f600\n\t"


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, 30)))


def test_the_form_equals_urlencode_for_generated_data():
    rng = random.Random(7)
    pools = [[f"https://w3id.org/bpograph/graph/{_text(rng)}" for _ in range(rng.randrange(0, 25))] for _ in range(6)]
    for _ in range(2000):
        data = {"query": _text(rng)}
        for name in ("default-graph-uri", "named-graph-uri"):
            if rng.random() < 0.8:
                data[name] = list(rng.choice(pools))  # the same lists again and again, as served
        if rng.random() < 0.5:
            data["timeout"] = str(rng.randrange(1, 10**6))
        assert form(data) == urlencode(data, doseq=True), data
        assert parse_qsl(form(data), keep_blank_values=True) == parse_qsl(urlencode(data, doseq=True),
                                                                           keep_blank_values=True)
