"""The answer cache on its own: the bytes it holds stay under its bound, the least recently used
answer goes first, an answer too large is never kept, and the middleware keeps only what the
application marked, replays it to the same request only, and leaves conditional, HEAD and POST
requests to the application."""

from __future__ import annotations

import threading

from bpograph.web.answer_cache import ENTRY_OVERHEAD, AnswerCache, CachingMiddleware, keep


def _entry(size: int) -> tuple:
    return ("200 OK", [("Content-Type", "text/plain")], b"x" * size)


def test_the_least_recently_used_answer_goes_first():
    cache = AnswerCache(8 * (1000 + ENTRY_OVERHEAD + 1))
    for name in "abcdefgh":
        cache.put((name,), _entry(1000))
    assert len(cache) == 8
    assert cache.get(("a",)) is not None  # a is now the most recently used
    cache.put(("i",), _entry(1000))
    assert cache.get(("b",)) is None and cache.get(("a",)) is not None and cache.get(("i",)) is not None
    assert cache.size <= cache.max_bytes


def test_held_bytes_stay_under_the_bound_whatever_is_put():
    cache = AnswerCache(64 * 1024)
    for number in range(5000):
        cache.put((f"etag-{number}", "http://h/sparql"), _entry(number % 7000))
        assert cache.size <= cache.max_bytes
    assert cache.size == sum(cost for _, cost in cache._entries.values())


def test_a_large_answer_is_not_kept_and_the_same_key_replaces_its_entry():
    cache = AnswerCache(80_000)
    cache.put(("big",), _entry(10_000))
    assert len(cache) == 0
    cache.put(("e",), _entry(100))
    cache.put(("e",), _entry(200))
    assert len(cache) == 1 and cache.get(("e",))[2] == b"x" * 200
    assert cache.size == 200 + 1 + ENTRY_OVERHEAD


def test_threads_sharing_it_keep_the_count_right():
    cache = AnswerCache(200_000)

    def work(offset: int) -> None:
        for number in range(3000):
            cache.put((offset, number % 300), _entry(number % 500))
            cache.get((offset, (number * 7) % 300))

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.size == sum(cost for _, cost in cache._entries.values()) <= cache.max_bytes


class _App:
    """A WSGI application that counts its calls, answers with ``status`` and marks its answer
    as one to keep when ``marks``."""

    def __init__(self, status: str = "200 OK", marks: bool = True) -> None:
        self.calls, self.status, self.marks = 0, status, marks

    def __call__(self, environ, start_response):
        self.calls += 1
        if self.marks:
            keep(environ)
        start_response(self.status, [("Content-Type", "text/plain"), ("X-Call", str(self.calls))])
        return [b"answer ", str(self.calls).encode()]


def _environ(**extra) -> dict:
    return {"REQUEST_METHOD": "GET", "PATH_INFO": "/sparql", "QUERY_STRING": "query=ASK%7B%7D", "SCRIPT_NAME": "",
            "wsgi.url_scheme": "http", "HTTP_HOST": "127.0.0.1:8000", "HTTP_ACCEPT": "application/sparql-results+json",
            **extra}


def _call(middleware, **extra) -> tuple[str, dict, bytes]:
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen.update(status=status, headers=dict(headers))

    body = b"".join(middleware(_environ(**extra), start_response))
    return seen["status"], seen["headers"], body


def test_the_middleware_replays_a_marked_answer_to_the_same_request_only():
    app, hits = _App(), []
    middleware = CachingMiddleware(app, AnswerCache(1 << 20), lambda: hits.append(1))
    first, second = _call(middleware), _call(middleware)
    assert first == second == ("200 OK", {"Content-Type": "text/plain", "X-Call": "1"}, b"answer 1")
    assert app.calls == 1 and len(hits) == 1
    for other in ({"HTTP_HOST": "localhost:8000"}, {"HTTP_ACCEPT": "text/csv"}, {"HTTP_ACCEPT_ENCODING": "gzip"},
                  {"QUERY_STRING": "query=ASK%7B%7D&timeout=2"}, {"wsgi.url_scheme": "https"},
                  {"SCRIPT_NAME": "/kg"}):
        calls = app.calls
        _call(middleware, **other)
        assert app.calls == calls + 1, other


def test_conditional_head_post_and_other_paths_go_to_the_application():
    app = _App()
    middleware = CachingMiddleware(app, AnswerCache(1 << 20), lambda: None)
    _call(middleware)
    for other in ({"HTTP_IF_NONE_MATCH": '"x"'}, {"HTTP_IF_MODIFIED_SINCE": "Tue, 01 Dec 2026 00:00:00 GMT"},
                  {"HTTP_RANGE": "bytes=0-1"}, {"REQUEST_METHOD": "HEAD"}, {"REQUEST_METHOD": "POST"},
                  {"PATH_INFO": "/void"}):
        calls = app.calls
        _call(middleware, **other)
        _call(middleware, **other)
        assert app.calls == calls + 2, other


def test_an_unmarked_or_failed_answer_is_not_kept():
    for app in (_App(marks=False), _App(status="503 SERVICE UNAVAILABLE"), _App(status="400 BAD REQUEST")):
        middleware = CachingMiddleware(app, AnswerCache(1 << 20), lambda: None)
        _call(middleware)
        _call(middleware)
        assert app.calls == 2


def test_an_answer_that_sets_a_cookie_is_not_kept():
    class _Cookie(_App):
        def __call__(self, environ, start_response):
            self.calls += 1
            keep(environ)
            start_response("200 OK", [("Content-Type", "text/plain"), ("Set-Cookie", "bpograph_lang=et")])
            return [b"personal"]

    app = _Cookie()
    middleware = CachingMiddleware(app, AnswerCache(1 << 20), lambda: None)
    _call(middleware)
    _call(middleware)
    assert app.calls == 2
