"""The engine's syntax errors, said for people: where (line and column), what was found there, and
what would have fitted, in SPARQL's own words, never the parser's grammar tokens.

Oxigraph reports ``error at L:C: expected one of <items>``, where an item is a quoted token
(``"}"``), a keyword (``FILTER``), a character class (``['0'..='9']``) or the message of a rule
that failed (``Prefix not found``). An undeclared prefix often surfaces as an unrelated
expectation after backtracking (``expected OPTIONAL``), so it is looked for first.
"""

from __future__ import annotations

import re

from .safety import sparql_lexer as lex
from .safety.query_guard import where

#: Messages of the engine's rules, as a person would say them.
_RULE_MESSAGES = {
    "Prefix not found": "a prefix that is not declared",
    "IRI parsing failed": "an IRI that is not valid",
    "prefix IRI parsing failed": "a PREFIX declaration with an IRI that is not valid",
    "The query limit should be a non negative integer": "LIMIT must be a non-negative integer that fits in 64 bits",
    "The query offset should be a non negative integer": "OFFSET must be a non-negative integer that fits in 64 bits",
    "language tag parsing failed": "a language tag that is not valid",
    "Already used blank node id": "a blank node label used in two blocks",
}
_ITEM = re.compile(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\](?:\])?|[^,]+')
_KEYWORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
MAX_EXPECTED = 8


def undeclared_prefix(query: str, declared: dict[str, str] | None = None) -> tuple[str, int] | None:
    """The first prefixed name whose prefix the query does not declare (nor ``declared`` holds),
    and where it starts; None when every prefix is declared."""
    known = set(declared or ())
    tokens = lex.tokens(query)
    for index, token in enumerate(tokens):
        if token.kind == "word" and token.text.upper() == "PREFIX" and index + 1 < len(tokens) and tokens[index + 1].kind == "pname":
            known.add(tokens[index + 1].text.split(":", 1)[0])
        elif token.kind == "pname":
            prefix = token.text.split(":", 1)[0]
            previous = tokens[index - 1] if index else None
            is_declaration = previous is not None and previous.kind == "word" and previous.text.upper() == "PREFIX"
            if prefix not in known and not is_declaration:
                return prefix, token.start
    return None


def _offset(text: str, line: int, column: int) -> int:
    """The character offset of a 1-based line and column (clamped to the text)."""
    starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    start = starts[min(line, len(starts)) - 1]
    return min(start + max(column - 1, 0), len(text))


def _context(text: str, offset: int) -> str:
    """What surrounds the place of the error: the text just before it, and just after it."""
    before = text[max(0, offset - 20):offset].split("\n")[-1].strip()
    after = text[offset:offset + 20].split("\n")[0].strip()
    parts = []
    if before:
        parts.append(f"after '{'…' if offset > 20 else ''}{before}'")
    parts.append(f"before '{after}{'…' if len(text) - offset > 20 else ''}'" if after else "at the end of the text")
    return ", ".join(parts)


def _expected(detail: str) -> tuple[list[str], list[str]]:
    """The rule messages and the tokens or keywords of an "expected one of ..." list."""
    messages, tokens = [], []
    for item in _ITEM.findall(detail):
        item = item.strip()
        if not item:
            continue
        if item.startswith('"'):
            tokens.append(item)
        elif item.startswith("["):
            continue  # a character class: says nothing to a person
        elif item in _RULE_MESSAGES:
            messages.append(_RULE_MESSAGES[item])
        elif _KEYWORD.fullmatch(item) and item != "_":
            tokens.append(item)
        elif " " in item and item[0].isupper():  # another rule's message, in plain words
            messages.append(item[0].lower() + item[1:])
    return list(dict.fromkeys(messages)), list(dict.fromkeys(tokens))


def describe(error: str, text: str, kind: str = "SPARQL", declared: dict[str, str] | None = None) -> str:
    """``error`` (the engine's message for ``text``) as one readable sentence."""
    missing = undeclared_prefix(text, declared)
    if missing is not None:
        prefix, offset = missing
        return (f"{kind} syntax error: unknown prefix '{prefix}:' at {where(text, offset)}; "
                f"declare it (PREFIX {prefix}: <…>)")
    match = re.match(r"error at (\d+):(\d+): (.*)", error.strip(), re.S)
    if not match:
        first = error.strip().splitlines()[0] if error.strip() else "the text is not valid"
        return f"{kind} syntax error: {first[:300]}"
    line, column, detail = int(match.group(1)), int(match.group(2)), " ".join(match.group(3).split())
    offset = _offset(text, line, column)
    sentence = f"{kind} syntax error at line {line}, column {column} ({_context(text, offset)})"
    detail = detail.removeprefix("expected one of ").removeprefix("expected ")
    messages, tokens = _expected(detail)
    said = list(messages)
    if tokens:
        shown = tokens[:MAX_EXPECTED]
        said.append("expected " + (shown[0] if len(shown) == 1 else "one of " + ", ".join(shown))
                    + (", …" if len(tokens) > MAX_EXPECTED else ""))
    sentence += ": " + ("; ".join(said) if said else "the text cannot be read here")
    return sentence

