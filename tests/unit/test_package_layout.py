"""The package's layout says where things live, and the imports keep to it: only the Oxigraph
backend imports pyoxigraph, only the serving package imports waitress, and the remote backend
imports neither (its answers are rewritten with rdflib). Every import counts, at module level or
inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[2] / "src" / "bpograph"

#: third-party package -> the one subpackage allowed to import it
CONFINED = {
    "pyoxigraph": "backends/oxigraph",
    "waitress": "serving",
}


def _imports(path: Path) -> list[tuple[str, int]]:
    """(top-level module name, line) of every absolute import in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name.split(".")[0], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module.split(".")[0], node.lineno))
    return found


def _relative_targets(path: Path) -> list[tuple[Path, int]]:
    """The package folders or modules that the file's relative imports reach."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = path.parent
            for _ in range(node.level - 1):
                base = base.parent
            target = base.joinpath(*node.module.split(".")) if node.module else base
            found.append((target, node.lineno))
    return found


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_the_walk_sees_the_package():
    names = {p.relative_to(PACKAGE).as_posix() for p in _modules()}
    assert {"backends/base.py", "backends/oxigraph/store.py", "backends/remote/backend.py", "serving/server.py"} <= names


@pytest.mark.parametrize("module, home", sorted(CONFINED.items()))
def test_a_confined_dependency_is_imported_only_in_its_package(module, home):
    offenders = [f"{p.relative_to(PACKAGE)}:{line}" for p in _modules() for name, line in _imports(p)
                 if name == module and not p.relative_to(PACKAGE).as_posix().startswith(home + "/")]
    assert not offenders, f"{module} is imported outside {home}/: {offenders}"
    assert any(name == module for p in (PACKAGE / home).rglob("*.py") for name, _ in _imports(p)), \
        f"{home}/ no longer imports {module}: the rule guards nothing"


def test_the_remote_backend_does_not_reach_into_the_oxigraph_backend():
    remote = PACKAGE / "backends" / "remote"
    oxigraph = PACKAGE / "backends" / "oxigraph"
    offenders = [f"{p.relative_to(PACKAGE)}:{line}" for p in remote.rglob("*.py")
                 for target, line in _relative_targets(p) if target == oxigraph or oxigraph in target.parents]
    assert not offenders, f"the remote backend imports the Oxigraph backend: {offenders}"


def test_nothing_outside_the_backends_reaches_a_backend_module_but_through_the_package():
    """The web app, pages, search and the CLI see :mod:`bpograph.backends` (the interface and its
    factory functions); the CLI may also call each store's own commands (import, drop), and
    validation uses the Oxigraph SHACL target finder."""
    allowed = {
        "cli.py": {"backends/oxigraph/store", "backends/remote", "backends/remote/loading"},
        "client.py": {"backends/oxigraph/store", "backends/oxigraph/workers"},
        "validate.py": {"backends/oxigraph/shacl_targets"},
    }
    offenders = []
    for path in _modules():
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("backends/"):
            continue
        for target, line in _relative_targets(path):
            inside = target.relative_to(PACKAGE).as_posix() if PACKAGE in target.parents else ""
            if inside.startswith("backends/") and inside not in ("backends/base",) \
                    and inside not in allowed.get(relative, set()):
                offenders.append(f"{relative}:{line} -> {inside}")
    assert not offenders, offenders
