"""The example queries: bpograph's competency questions as SPARQL, with titles in both languages.

Each ``queries/CQnn.rq`` file starts with ``# title@en:``, ``# title@et:`` and ``# claims:``
comment lines; the query itself is written without a prologue and gets :data:`PREFIXES`.
"""

from __future__ import annotations

import re

from dataclasses import dataclass
from importlib import resources

from .namespaces import sparql_prologue


@dataclass(frozen=True)
class Example:
    """One example query: ``id`` (e.g. ``CQ07``), titles, the claims it rests on and its text."""

    id: str
    title_en: str
    title_et: str
    claims: str
    body: str

    @property
    def claim_ids(self) -> list[str]:
        """The claims and tensions the header names (C26, X04...)."""
        return re.findall(r"\b[CX]\d{2}\b", self.claims)

    @property
    def claims_note(self) -> str:
        """What the header says beyond the list of claims (in English), or ''."""
        return self.claims if re.sub(r"[CX]\d{2}|tension|[\s,()]", "", self.claims) else ""

    @property
    def text(self) -> str:
        """The runnable query, with the PREFIX lines of bpograph's prefix map."""
        return sparql_prologue() + self.body


def parse_example(example_id: str, source: str) -> Example:
    """Split an example file into its header fields and its query body.

    :raise ValueError: a header line is missing.
    """
    header: dict[str, str] = {}
    body_lines = []
    for line in source.splitlines():
        if line.startswith("# ") and ":" in line and not body_lines:
            key, _, value = line[2:].partition(":")
            header[key.strip()] = value.strip()
        else:
            body_lines.append(line)
    missing = {"title@en", "title@et", "claims"} - header.keys()
    if missing:
        raise ValueError(f"{example_id}.rq: missing header line(s) {', '.join(sorted(missing))}")
    return Example(
        id=example_id,
        title_en=header["title@en"],
        title_et=header["title@et"],
        claims=header["claims"],
        body="\n".join(body_lines).strip() + "\n",
    )


def load_examples() -> list[Example]:
    """All shipped example queries, ordered by id."""
    folder = resources.files("bpograph") / "queries"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".rq")), key=lambda f: f.name)
    return [parse_example(f.name[:-3], f.read_text(encoding="utf-8")) for f in files]
