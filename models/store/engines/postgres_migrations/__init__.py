"""PostgreSQL's schema migrations, applied in order on open like SQLite's (`models/migrations`).

Every change to the schema is written for both engines: a new migration here and
one there, each making the tables `models.store.schema` describes.
"""
