"""Search plans that stay fast at a million conversations (PostgreSQL only).

Every search document is made anew with the pairs of neighbouring words
(`postgres.document`), so a phrase is found in the word index by its pairs
instead of being checked in every document holding its words: "number tracking"
(two common words, never next to each other) took 4 to 9 s at a million
conversations, walking every row; 3 ms now. The documents change, never what a
search finds. At a million conversations this takes about 8 minutes, once.

The search picks its plan from the share of documents holding each word or pair,
which ANALYZE keeps for the most common ones. With the default statistics (100)
it kept 355 of them, down to 1.5% of the documents, so a pair held by none was
taken to be held by up to 14,600; at 1000 it keeps about 3,400, down to 0.1%
(ANALYZE of the index: 7 s at a million).

An Open or Archived page walks only its own rows, newest first, in an index per
status that also holds each row's contact and channel: a contact filter tested
row by row (`name:grace`) then reads no table row it does not show.
"""

from models.store.engines.postgres import PostgresBackend

STATISTICS = 1000
NEWEST = "ON conversation (last_activity, id) INCLUDE (contact_id, channel_id)"


def up(migrator, db):
    column = "ALTER TABLE search_document ALTER COLUMN document"
    db.execute_sql(f"{column} SET STATISTICS {STATISTICS}")
    for status in ("open", "archived"):
        name = f"conversation_{status}_newest"
        db.execute_sql(f"CREATE INDEX IF NOT EXISTS {name} {NEWEST} WHERE status = '{status}'")
    PostgresBackend().reindex_all()
