"""A wheel of bpograph carries its Turtle files and validates without the source tree."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    [built] = out.glob("bpograph-*.whl")
    return built


def test_the_wheel_carries_ontology_data_shapes_and_queries(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("ontology", "data", "shapes"):
        for path in (ROOT / folder).glob("*.ttl"):
            assert f"bpograph/resources/{folder}/{path.name}" in names
    assert "bpograph/resources/ontology/external-iris.tsv" in names
    assert "bpograph/queries/CQ01.rq" in names


def test_the_installed_wheel_validates_outside_the_source_tree(wheel, tmp_path):
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)  # a wheel is a zip of what pip would install
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = subprocess.run(
        [sys.executable, "-c", "import bpograph.dataset as d; print(d.resource_root())"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert Path(run.stdout.strip()) == target / "bpograph" / "resources"
    validate = subprocess.run(
        [sys.executable, "-m", "bpograph", "validate"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300,
    )
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert validate.stdout.startswith("conforms: 0 violations, 0 warnings")


def test_every_third_party_import_of_the_package_is_a_core_dependency():
    """A plain `pip install` (the README's first command) must run every command, so nothing the
    package imports, even inside a function, may live only in an extra."""
    import ast
    import re
    import tomllib
    from importlib.metadata import packages_distributions

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = {re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].lower() for spec in project["dependencies"]}
    providers = packages_distributions()
    missing = {}
    for source in (ROOT / "src" / "bpograph").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top == "bpograph":
                    continue
                distributions = {name.lower() for name in providers.get(top, [top])}
                # Flask's own requirements, used through Flask, count as provided by it
                if not distributions & core and top not in {"werkzeug", "jinja2", "markupsafe"}:
                    missing.setdefault(top, source.relative_to(ROOT).as_posix())
    assert not missing, f"imported but not in [project].dependencies: {missing}"
