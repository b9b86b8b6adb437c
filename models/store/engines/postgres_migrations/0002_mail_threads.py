"""Mail threads across imports, and settings: the tables of SQLite's migration 0007."""

from importlib import import_module

up = import_module("models.store.migrations.0007_mail_threads").up
