"""Search plans that stay fast at a million conversations (PostgreSQL only).

Every search document is made anew with the pairs of neighbouring words
(`postgres.document`), so a phrase is found in the word index by its pairs
instead of being checked in every document holding its words: "number tracking"
(two common words, never next to each other) took 4 to 7 s at a million
conversations, walking every row. The documents change, never what a search finds.
"""

from models.store.engines.postgres import PostgresBackend


def up(migrator, db):
    PostgresBackend().reindex_all()
