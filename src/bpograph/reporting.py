"""Formats a validation report for people (text) and programs (JSON, Turtle)."""

from __future__ import annotations

import json

from rdflib import Graph
from rdflib.namespace import SH
from rdflib.term import Node

from .namespaces import bind_prefixes
from .validate import Report

REPORT_FORMATS = ("text", "json", "turtle")  # kept equal to cli.REPORT_FORMATS by a test


def _short(graph: Graph, node: Node | None) -> str | None:
    """A prefixed name where a bound prefix fits, else the IRI or literal as written in N-Triples."""
    if node is None:
        return None
    try:
        return node.n3(graph.namespace_manager)
    except Exception:  # noqa: BLE001 - n3() of odd nodes should never break a report
        return str(node)


def summary_line(report: Report) -> str:
    counts = [
        (report.count(SH.Violation), "violation"),
        (report.count(SH.Warning), "warning"),
        (report.count(SH.Info), "info"),
    ]
    parts = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in counts]
    verdict = "conforms" if report.conforms else "does not conform"
    return f"{verdict}: {', '.join(parts)}"


def as_text(report: Report) -> str:
    """A report grouped by focus node, one line per result with its severity and sh:message."""
    names = Graph()
    bind_prefixes(names)
    lines = [summary_line(report)]
    for focus, results in report.by_focus().items():
        lines.append("")
        lines.append(_short(names, focus) or "(no focus node)")
        for result in results:
            where = f" [{_short(names, result.path)}]" if result.path is not None else ""
            shown = result.value is not None and result.value != focus
            value = f" (value: {_short(names, result.value)})" if shown else ""
            lines.append(f"  {result.severity_name:<9} {result.message}{where}{value}")
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> str:
    """The report as JSON: a summary and one object per result, grouped by focus node."""
    names = Graph()
    bind_prefixes(names)
    payload = {
        "conforms": report.conforms,
        "violations": report.count(SH.Violation),
        "warnings": report.count(SH.Warning),
        "infos": report.count(SH.Info),
        "focusNodes": [
            {
                "focus": str(focus),
                "results": [
                    {
                        "severity": r.severity_name,
                        "message": r.message,
                        "path": str(r.path) if r.path is not None else None,
                        "value": _short(names, r.value),
                        "shape": str(r.shape) if r.shape is not None else None,
                    }
                    for r in results
                ],
            }
            for focus, results in report.by_focus().items()
        ],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def as_turtle(report: Report) -> str:
    """The SHACL validation report graph itself, in Turtle."""
    bind_prefixes(report.graph)
    return report.graph.serialize(format="turtle")


def render(report: Report, fmt: str) -> str:
    """Render ``report`` as ``fmt`` (one of :data:`REPORT_FORMATS`)."""
    return {"text": as_text, "json": as_json, "turtle": as_turtle}[fmt](report)
