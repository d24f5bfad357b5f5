"""A large N-Triples file goes to a remote store in pieces cut at line ends, unless blank nodes
(whose labels hold within one request) make it one piece."""

from bpograph.backends.remote import loading


def test_pieces_cover_the_file_and_end_at_line_ends(tmp_path, monkeypatch):
    monkeypatch.setattr(loading, "UPLOAD_LIMIT", 100)
    file = tmp_path / "data.nt"
    file.write_text("".join(f'<http://e/s{i}> <http://e/p> "{"x" * (i % 7)}" .\n' for i in range(50)))
    data = file.read_bytes()
    pieces = loading._pieces(file, len(data))
    assert len(pieces) > 5 and all(length <= 100 for _, length in pieces)
    assert [start for start, _ in pieces] == [0] + [s + n for s, n in pieces[:-1]]
    assert sum(n for _, n in pieces) == len(data)
    assert all(data[s + n - 1:s + n] == b"\n" for s, n in pieces)


def test_blank_nodes_keep_the_file_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(loading, "UPLOAD_LIMIT", 100)
    file = tmp_path / "blank.nt"
    file.write_text("".join(f"_:b{i} <http://e/p> <http://e/o{i}> .\n" for i in range(50)))
    assert loading._pieces(file, file.stat().st_size) == [(0, file.stat().st_size)]
