"""The answer cache's bound: the bytes it holds stay under its limit, the least recently used
answer goes first, and an answer too large or not successful is never kept."""

from __future__ import annotations

import threading

from bpograph.backends.base import Answer
from bpograph.web.answer_cache import ENTRY_OVERHEAD, AnswerCache


def _answer(size: int, status: int = 200) -> Answer:
    return Answer(status, body=b"x" * size)


def test_the_least_recently_used_answer_goes_first():
    cache = AnswerCache(8 * (1000 + ENTRY_OVERHEAD + 4))
    for name in "abcdefgh":
        cache.put(name, "", _answer(1000 - len(name)))
    assert len(cache) == 8
    assert cache.get("a", "") is not None  # a is now the most recently used
    cache.put("i", "", _answer(999))
    assert cache.get("b", "") is None and cache.get("a", "") is not None and cache.get("i", "") is not None
    assert cache.size <= cache.max_bytes


def test_held_bytes_stay_under_the_bound_whatever_is_put():
    cache = AnswerCache(64 * 1024)
    for number in range(5000):
        cache.put(f"etag-{number}", "http://h/sparql", _answer(number % 7000))
        assert cache.size <= cache.max_bytes
    assert cache.size == sum(cost for _, cost in cache._entries.values())


def test_a_large_or_failed_answer_is_not_kept():
    cache = AnswerCache(80_000)
    cache.put("big", "", _answer(10_000))
    cache.put("stopped", "", _answer(10, status=503))
    cache.put("refused", "", _answer(10, status=400))
    assert len(cache) == 0
    cache.put("small", "", _answer(100))
    assert cache.get("small", "").body == b"x" * 100
    assert cache.get("small", "http://other/sparql") is None  # another base IRI is another key


def test_the_same_key_put_again_replaces_its_entry():
    cache = AnswerCache(100_000)
    cache.put("e", "", _answer(100))
    cache.put("e", "", _answer(200))
    assert len(cache) == 1 and cache.get("e", "").body == b"x" * 200
    assert cache.size == 200 + 1 + ENTRY_OVERHEAD


def test_threads_sharing_it_keep_the_count_right():
    cache = AnswerCache(200_000)

    def work(offset: int) -> None:
        for number in range(3000):
            cache.put(f"{offset}-{number % 300}", "", _answer(number % 500))
            cache.get(f"{offset}-{(number * 7) % 300}", "")

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.size == sum(cost for _, cost in cache._entries.values()) <= cache.max_bytes
