"""Indexes for the contact filters (name:, email:, phone:).

A `name:` filter scanned the contact table (an index on the name is a third of
its size), and the conversations of the matching contacts were read row by row
to learn their status and time; the wider index holds them, and replaces the
plain index on contact_id as its first column. Statistics are refreshed for
the planner (see 0005: sample rows would copy customer data).
"""


def up(migrator, db):
    db.execute_sql("CREATE INDEX IF NOT EXISTS contact_name ON contact(name)")
    db.execute_sql(
        "CREATE INDEX IF NOT EXISTS conversation_contact_status "
        "ON conversation(contact_id, status, last_activity, id)"
    )
    db.execute_sql("DROP INDEX IF EXISTS conversation_contact_id")
    db.execute_sql("PRAGMA analysis_limit = 0")
    db.execute_sql("ANALYZE")
    if db.table_exists("sqlite_stat4"):
        db.execute_sql("DELETE FROM sqlite_stat4")
