"""``bpograph serve``: the supervisor, its server processes and the production WSGI server.

The only package of bpograph that imports waitress (``tests/unit/test_package_layout.py`` holds it); the
web application (:mod:`bpograph.web`) runs under any WSGI server.
"""
