"""`bpograph serve` start-up errors are one clear line and a non-zero exit, never a traceback."""

import socket
import subprocess
import sys
from pathlib import Path

BAD = Path(__file__).parents[1] / "data" / "bad"


def serve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bpograph", "serve", *args], capture_output=True, text=True, timeout=120)


def test_an_unreadable_data_file_is_named_with_its_line():
    result = serve("--port", "0", "--data", str(BAD / "unbound-prefix.ttl"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "unbound-prefix.ttl" in lines[0] and "line 3" in lines[0]
    assert "Traceback" not in result.stderr


def test_a_missing_file_is_one_line():
    result = serve("--port", "0", "--named", str(BAD / "nowhere.ttl"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"bpograph serve: cannot load {BAD / 'nowhere.ttl'}: No such file or directory"


def test_a_port_in_use_is_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = serve("--port", str(port))
    assert result.returncode == 2
    assert result.stderr.strip().endswith(f"cannot listen on 127.0.0.1:{port}: Address already in use")
    assert "Traceback" not in result.stderr
