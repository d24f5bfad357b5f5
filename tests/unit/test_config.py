"""Settings come from one table: defaults, then BPOGRAPH_* variables, then explicit overrides."""

from bpograph.config import Settings


def test_defaults_are_safe():
    settings = Settings()
    assert settings.host == "127.0.0.1"
    assert settings.allow_service == ()
    assert settings.timeout > 0 and settings.max_rows > 0


def test_environment_then_overrides():
    environ = {"BPOGRAPH_TIMEOUT": "2.5", "BPOGRAPH_PORT": "9000", "BPOGRAPH_ALLOW_SERVICE": "http://a/,http://b/",
               "BPOGRAPH_DEFAULT_DATA": "false", "BPOGRAPH_GRAPHS": "http://g/1=one.ttl"}
    settings = Settings.from_env(environ, port=9100, host=None)
    assert settings.timeout == 2.5
    assert settings.port == 9100
    assert settings.host == "127.0.0.1"
    assert settings.allow_service == ("http://a/", "http://b/")
    assert settings.default_data is False
    assert settings.graphs == (("http://g/1", "one.ttl"),)


def test_every_setting_has_help():
    assert all(help_text for _, _, help_text in Settings.table())


def test_the_readme_lists_every_setting_as_the_settings_table_says():
    import re
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Settings\n", 1)[1].split("\n### ", 1)[0]
    rows = re.findall(r"^\| `([a-z_]+)` \| `BPOGRAPH_([A-Z_]+)` \| [^|]* \| (.+) \|$", section, re.M)
    assert [(name, env.lower(), text) for name, env, text in rows] == \
        [(name, name, text.replace("|", "/")) for name, _, text in Settings.table()]


def test_serve_help_is_the_settings_table():
    from click.testing import CliRunner

    from bpograph.cli import main

    text = " ".join(CliRunner().invoke(main, ["serve", "--help"]).output.split())
    for name in ("timeout", "max_rows", "client_budget", "workers", "allow_service", "memory", "default_data", "pin_cpus"):
        help_text = " ".join(dict((n, h) for n, _, h in Settings.table())[name].split())
        assert help_text in text, name
