"""What keeps bpograph safe on hostile input, one module a concern:

- :mod:`.sparql_lexer`: SPARQL's terminals as Oxigraph reads them, and every place where a keyword
  could start however the engine's backtracking parser reads the text;
- :mod:`.query_guard`: the checks a query or update passes before the engine sees it (no SERVICE
  unless allowlisted, no LOAD, nesting and size limits, read-only);
- :mod:`.allowlist`: SERVICE endpoints, matched as parsed URLs;
- :mod:`.sandbox`: the second barrier, the operating system's: a seccomp filter that leaves server
  processes unable to open network sockets;
- :mod:`.rdfxml`: entity declarations in RDF/XML files, bounded before any parser expands them;
- :mod:`.jsonld`: JSON-LD contexts named by URL, refused before rdflib would fetch them.

Nothing here imports pyoxigraph or a web framework.
"""
