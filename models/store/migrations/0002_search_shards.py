"""Split the search index into 32 shards so a deletion purges only the shards it touched.

Also adds `purge_pending`, the shards whose deleted words still wait for an
FTS5 'optimize'. The old single index is dropped; the shards are filled from
the tables, so nothing a search could find is lost.
"""

SHARDS = 32
TOKENIZE = "unicode61 remove_diacritics 2"
DOCUMENT = (
    "SELECT c.id, coalesce(ct.name, ''), coalesce(ct.email, ''), "
    "coalesce(ct.phone, '') || ' ' || coalesce(ct.phone_digits, ''), c.subject, "
    "coalesce((SELECT group_concat(m.body, ' ') FROM message m "
    "WHERE m.conversation_id = c.id), '') "
    "FROM conversation c LEFT JOIN contact ct ON ct.id = c.contact_id"
)


def up(migrator, db):
    db.execute_sql("CREATE TABLE IF NOT EXISTS purge_pending (shard INTEGER PRIMARY KEY)")
    for shard in range(SHARDS):
        table = f"search_{shard:02d}"
        db.execute_sql(
            f"CREATE VIRTUAL TABLE {table} USING fts5("
            f"name, email, phone, subject, body, tokenize='{TOKENIZE}')"
        )
        db.execute_sql(
            f"INSERT INTO {table}(rowid, name, email, phone, subject, body) "
            f"{DOCUMENT} WHERE c.id % {SHARDS} = {shard}"
        )
    db.execute_sql("DROP TABLE IF EXISTS search_index")
