"""Give the query planner statistics (see engine.analyze), so searches in one filter start
from the few matching contacts or index rows instead of walking half the table."""


def up(migrator, db):
    db.execute_sql("PRAGMA analysis_limit = 0")
    db.execute_sql("ANALYZE")
    if db.table_exists("sqlite_stat4"):
        db.execute_sql("DELETE FROM sqlite_stat4")
