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
