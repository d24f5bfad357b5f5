"""The embedded default store: Oxigraph, on disk, queried in process
(:class:`.runner.ThreadRunner`, under ``bpograph serve``) or in worker processes
(:class:`.workers.QueryPool`, under any other WSGI server).

The only package of bpograph that imports pyoxigraph (``tests/unit/test_package_layout.py`` holds it):
the store (:mod:`.store`), the engine that answers one request (:mod:`.engine`), the format
registry's rows as Oxigraph's writers (:mod:`.formats`), and the SHACL target finder that
validation uses (:mod:`.shacl_targets`).
"""
