"""The HTTP API: the fourth face, for the systems around the help desk (an order system, a
sign-up form, a privacy portal).

Like the other faces it builds no query and imports no Peewee: each handler parses
the request, calls one operation of `models` in a worker thread (`server.Pools`:
each thread keeps its own connection, so a request pays for no connect), and a
refusal becomes a problem document with its `status` and `title`. It needs
nothing of Textual; `tests/test_import_hygiene.py` checks that it loads none.
"""
