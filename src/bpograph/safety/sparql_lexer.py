"""SPARQL's terminals as Oxigraph 0.5 reads them, and where a keyword can start.

Oxigraph parses SPARQL with a PEG grammar and no separate lexer: keywords are matched as a run
of characters with no word boundary (``SERVICESILENT<…>`` is ``SERVICE SILENT <…>``), and the
parser backtracks when a rule's action fails, so one text can be read several ways: an IRI or a
less-than sign, a variable or a path's ``?``, a prefixed name or a prefix followed by more code,
``true`` glued to the next keyword. A guard that reads the text one way only can be talked around.

:func:`tokens` reads the text one way (the way a valid query is read), for the guard's structural
checks. :func:`keyword_sites` explores every reading at each of those ambiguous places and returns
each place where a given keyword could start in one of them; it over-approximates, so that a
query the engine would read as containing the keyword is always caught.

The terminals follow Oxigraph's grammar (``lib/spargebra/src/parser.rs`` on its 0.5 branch); a
character class is never larger than the engine's, so that a name never hides code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
         "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD")
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_VARNAME = f"[{_U}0-9][{_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PREFIX = f"[{_BASE}][{_CHARS}]*(?:\\.+[{_CHARS}]+)*"
# PN_LOCAL as Oxigraph 0.5 has it: at most one run of dots inside ("a.b.c" reads "a.b")
_LOCAL = f"(?:[{_U}:0-9]|{_PLX})(?:[{_CHARS}:]|{_PLX})*(?:\\.+(?:[{_CHARS}:]|{_PLX})+)?"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ECHAR = r"""\\[tbnrf"'\\]"""

SPACE = re.compile(r"(?:[ \t\r\n]|#[^\r\n]*)*")
_IRI = re.compile(rf"<(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*>")
_PNAME = re.compile(f"(?P<prefix>(?:{_PREFIX})?):(?P<local>{_LOCAL})?")
_VAR = re.compile(f"[?$]{_VARNAME}")
_BNODE = re.compile(f"_:[{_U}0-9][{_CHARS}]*(?:\\.+[{_CHARS}]+)*")
_LANG = re.compile(r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"[0-9]+")
_STRINGS = (  # in the engine's order: a long string that fails is read as an empty short one
    re.compile(rf"'''(?:(?:''|')?(?:[^'\\]|{_ECHAR}|{_UCHAR}))*'''"),
    re.compile(rf'"""(?:(?:""|")?(?:[^"\\]|{_ECHAR}|{_UCHAR}))*"""'),
    re.compile(rf"'(?:[^'\\\n\r]|{_ECHAR}|{_UCHAR})*'"),
    re.compile(rf'"(?:[^"\\\n\r]|{_ECHAR}|{_UCHAR})*"'),
)
_PUNCT = ("<<(", ")>>", "<<", ">>", "{|", "|}", "||", "&&", "^^", "<=", ">=", "!=")
_ESCAPE = re.compile(_UCHAR)

#: Tokens after which a ``<`` may be the less-than operator rather than the start of an IRI.
_OPERANDS = frozenset({"var", "iri", "pname", "string", "lang", "number", "word", ")", "]"})
#: Tokens after which a ``?`` may be a path's zero-or-one modifier rather than a variable.
_PATH_ENDS = frozenset({"iri", "pname", "word", ")", "*", "+", "?"})


@dataclass(frozen=True)
class Token:
    kind: str
    """'iri', 'string', 'pname', 'var', 'bnode', 'lang', 'number', 'word', or the punctuation itself."""
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def valid_escapes(text: str) -> bool:
    """Whether every ``\\u``/``\\U`` escape in ``text`` names a Unicode scalar value (the engine
    refuses a surrogate or a value past U+10FFFF, and then reads the text another way)."""
    for match in _ESCAPE.finditer(text):
        value = int(match.group()[2:], 16)
        if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            return False
    return True


def unescape(text: str) -> str:
    """``\\uXXXX`` and ``\\UXXXXXXXX`` replaced by their characters (in IRIs, as the engine does)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group()[2:], 16)), text) if "\\" in text else text


def skip_space(text: str, pos: int) -> int:
    return SPACE.match(text, pos).end()


def _string_at(text: str, pos: int) -> Token | None:
    for pattern in _STRINGS:
        match = pattern.match(text, pos)
        if match and valid_escapes(match.group()):
            return Token("string", match.group(), pos)
    return None


def token_at(text: str, pos: int) -> Token:
    """The token at ``pos`` (not whitespace), read the one way a valid query reads it."""
    char = text[pos]
    if char == "<":
        match = _IRI.match(text, pos)
        if match and valid_escapes(match.group()):
            return Token("iri", match.group(), pos)
    elif char in "'\"":
        found = _string_at(text, pos)
        if found:
            return found
    elif char in "?$":
        match = _VAR.match(text, pos)
        if match:
            return Token("var", match.group(), pos)
    elif char == "@":
        match = _LANG.match(text, pos)
        if match:
            return Token("lang", match.group(), pos)
    elif char == "_" and text.startswith("_:", pos):
        match = _BNODE.match(text, pos)
        if match:
            return Token("bnode", match.group(), pos)
    if char == ":" or char.isalpha() or char == "_":
        match = _PNAME.match(text, pos)
        if match:
            return Token("pname", match.group(), pos)
        match = _WORD.match(text, pos)
        if match:
            return Token("word", match.group(), pos)
    if char.isdigit():
        return Token("number", _NUMBER.match(text, pos).group(), pos)
    for punct in _PUNCT:
        if text.startswith(punct, pos):
            return Token(punct, punct, pos)
    return Token(char, char, pos)


def tokens(text: str) -> list[Token]:
    """Every token of ``text``, whitespace and comments skipped."""
    found = []
    pos = skip_space(text, 0)
    while pos < len(text):
        token = token_at(text, pos)
        found.append(token)
        pos = skip_space(text, token.end)
    return found


# ---------------------------------------------------------------- structure, in the one reading


def is_word(token: Token | None, word: str) -> bool:
    """Whether ``token`` is the keyword ``word`` (upper case; keywords are case-blind)."""
    return token is not None and token.kind == "word" and token.text.upper() == word


def top_level(found: list[Token]) -> list[int]:
    """The indexes of the tokens outside every brace, parenthesis and bracket (the brackets
    themselves left out)."""
    indexes = []
    depth = 0
    for index, token in enumerate(found):
        if token.kind in ("{", "(", "["):
            depth += 1
        elif token.kind in ("}", ")", "]"):
            depth -= 1
        elif depth == 0:
            indexes.append(index)
    return indexes


def prologue_end(found: list[Token]) -> int:
    """How many tokens the declarations that open the text take (BASE <iri>, PREFIX p: <iri>)."""
    at = 0
    while at + 1 < len(found):
        if is_word(found[at], "BASE") and found[at + 1].kind == "iri":
            at += 2
        elif is_word(found[at], "PREFIX") and at + 2 < len(found) and found[at + 1].kind == "pname" \
                and found[at + 2].kind == "iri":
            at += 3
        else:
            break
    return at


# ---------------------------------------------------------------- every reading


def risky_prefixes(text: str) -> bool:
    """Whether a prefix IRI in ``text`` could make a prefixed name fail to resolve, so that the
    engine reads ``p:`` alone and then the local name as code: an IRI with an authority and
    nothing after it (``http://[::1]`` + ``x`` is no IRI), or a relative one that becomes one."""
    for match in _IRI.finditer(text):
        content = unescape(match.group()[1:-1])
        if re.fullmatch(r"(?:[A-Za-z][A-Za-z0-9+.\-]*:)?//[^/?#]*", content):
            return True
    return False


def _local_can_fail(local: str) -> bool:
    """Whether appending this local name to a well-formed prefix IRI can give an invalid IRI: an
    escaped '%' or '#' can (a second fragment, a broken percent-encoding), as can the Unicode
    specials U+FFF0-U+FFFD, which names allow and IRIs do not."""
    return "\\" in local or any("\uFFF0" <= char <= "\uFFFD" for char in local)


@dataclass(frozen=True)
class Site:
    """A place where a keyword could start in some reading of the text."""

    start: int
    text: str
    """The token that holds it (a word or a prefixed name), as written."""
    main: bool
    """Whether the reading is the one :func:`tokens` gives (else only a backtracking reading)."""


def keyword_sites(text: str, keyword: re.Pattern[str]) -> list[Site]:
    """Every place where ``keyword`` (a case-insensitive pattern) could start in some reading.

    A bare word of code is a site when the keyword occurs anywhere in it (no SPARQL keyword or
    function contains SERVICE or LOAD, so nothing valid is lost); a prefixed name is one when its
    prefix begins with the keyword, or with ``true``/``false`` and then the keyword (the engine
    retries an undeclared ``trueSERVICE:x`` as the boolean ``true``, then ``SERVICE :x``). Names
    and opaque spans (strings, comments, IRIs) are not sites, except where a backtracking reading
    turns them into code.
    """
    glued = re.compile(rf"(?:true|false)?(?:{keyword.pattern})", re.IGNORECASE)
    after_object = re.compile(rf"(?:true|false)(?:{keyword.pattern})", re.IGNORECASE)
    risky = risky_prefixes(text)
    sites: dict[int, Site] = {}
    # a reading's state: position, kind of the previous token, end of a region that is inside an
    # expression (no pattern can start there), whether an object must come next, main reading
    start = skip_space(text, 0)
    todo = [(start, "", 0, False, True)]
    seen: dict[tuple, bool] = {}

    def push(pos: int, prev: str, quiet_until: int, expect_object: bool, main: bool) -> None:
        pos = skip_space(text, pos)
        key = (pos, prev, quiet_until if quiet_until > pos else 0, expect_object)
        if seen.get(key) is True or (key in seen and not main):
            return
        seen[key] = main
        todo.append((pos, prev, key[2], expect_object, main))

    def site(at: int, token_text: str, main: bool) -> None:
        if at not in sites or (main and not sites[at].main):
            sites[at] = Site(at, token_text, main)

    while todo:
        pos, prev, quiet_until, expect_object, main = todo.pop()
        if pos >= len(text):
            continue
        quiet = pos < quiet_until
        token = token_at(text, pos)
        char = text[pos]
        if token.kind == "word" and not quiet:
            pattern = after_object if expect_object else keyword
            if (pattern.match(token.text) if expect_object else pattern.search(token.text)):
                site(pos, token.text, main)
        elif token.kind == "pname" and not quiet:
            prefix = token.text.split(":", 1)[0]
            if (after_object if expect_object else glued).match(prefix):
                site(pos, token.text, main)
            local = token.text[len(prefix) + 1:]
            if local and (risky or _local_can_fail(local)):  # ``p:`` alone, the local name as code
                push(pos + len(prefix) + 1, "pname", quiet_until, False, False)
        push(token.end, token.kind, quiet_until, False, main)
        if char == "<" and token.kind == "iri" and prev in _OPERANDS:
            # the less-than operator: the IRI's text is then the right operand, inside an
            # expression, where no pattern can start; it is read as code for what it opens
            operator = next((p for p in ("<=", "<") if text.startswith(p, pos)))
            push(pos + len(operator), operator, token.end, False, False)
        elif char == "?" and token.kind == "var" and prev in _PATH_ENDS:
            push(pos + 1, "?", quiet_until, True, False)  # a path's '?', then its object
    return sorted(sites.values(), key=lambda s: s.start)
