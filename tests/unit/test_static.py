"""The vendored query editor is exactly the pinned release, with its licence beside it."""

import hashlib
from pathlib import Path

STATIC = Path(__file__).parents[2] / "src" / "bpograph" / "web" / "static" / "yasgui"


def test_vendored_files_match_their_pinned_checksums():
    pinned = dict(reversed(line.split()) for line in (STATIC / "SHA256SUMS").read_text().splitlines())
    assert set(pinned) == {"yasgui.min.js", "yasgui.min.css"}
    for name, digest in pinned.items():
        assert hashlib.sha256((STATIC / name).read_bytes()).hexdigest() == digest, name


def test_the_licence_ships_with_the_files():
    licence = (STATIC / "LICENSE").read_text()
    assert "MIT License" in licence and "4.6.2" in licence
