"""The README's set-up commands are the ones CI runs, and its claims about the CLI hold."""

import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def setup_commands() -> list[str]:
    section = README.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_the_readme_gives_exactly_two_set_up_commands():
    commands = setup_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)
    assert "bpograph" in commands[0] and "pytest" in commands[1]


def test_ci_runs_the_readmes_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert setup_commands()[1] in ci.splitlines()


def test_every_cli_command_is_documented(runner):
    from bpograph.cli import main

    for name in main.commands:
        assert f"bpograph {name}" in README, f"README does not show 'bpograph {name}'"


def test_the_readme_data_example_conforms(tmp_path):
    from bpograph.validate import validate_files

    [example] = re.findall(r"```turtle\n(.+?)```", README, re.S)
    path = tmp_path / "readme-example.ttl"
    path.write_text(example, encoding="utf-8")
    report = validate_files([path])
    assert report.conforms and report.results == [], [r.message for r in report.results]


def test_the_readme_query_runs_and_shows_the_hedges(shipped):
    from bpograph.namespaces import sparql_prologue

    querying = README.split("### Querying", 1)[1].split("\n## ", 1)[0]
    [query] = re.findall(r"```sparql\n(.+?)```", querying, re.S)
    qualifiers = {str(row.qualifier) for row in shipped.query(sparql_prologue() + query)}
    assert qualifiers == {"https://w3id.org/bpograph/def/OpenList"}
