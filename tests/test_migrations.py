import sqlite3

import pytest
from peewee import SqliteDatabase
from playhouse.migrations import Runner

import models
from models.store import engine

from .helpers import conversation


@pytest.mark.parametrize("stop", engine.schema_migrations())
def test_search_works_after_upgrading_from_each_migration(db_path, clock, stop):
    """Open a database left at `stop`, upgrade it, and check search still tracks changes."""
    old = SqliteDatabase(str(db_path))
    Runner(old, directory=str(engine.MIGRATIONS_DIR), table_name="schema_migration").up(stop)
    old.close()
    models.open_database(db_path)
    try:
        keep = conversation(body="aardvark", status="archived")
        gone = conversation(body="aardvark", status="archived", email="b@example.com")
        models.delete_conversations([gone], "sam")
        assert models.ConversationSearch("aardvark").ids() == [keep]
        assert models.ConversationSearch("lovelace").ids() == [keep]
    finally:
        models.close_database()


def test_database_from_a_newer_hushdesk_is_refused(db_path, clock):
    models.open_database(db_path, create=True)
    models.close_database()
    raw = sqlite3.connect(db_path)
    raw.execute("INSERT INTO schema_migration(name, applied) VALUES ('9999_future', '2030-01-01')")
    raw.commit()
    raw.close()
    with pytest.raises(models.DatabaseTooNew, match="newer hushdesk"):
        models.open_database(db_path)


def test_pragmas_are_set(db):
    def pragma(name):
        return engine.db.execute_sql(f"PRAGMA {name}").fetchone()[0]

    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("secure_delete") == 1
    assert pragma("busy_timeout") >= 10_000


def test_not_a_database_is_refused(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(models.DatabaseUnavailable, match="not an SQLite database"):
        models.open_database(path)
    with pytest.raises(models.DatabaseUnavailable, match="folder"):
        models.open_database(tmp_path)


@pytest.mark.postgres_only
def test_a_postgresql_database_from_a_newer_hushdesk_is_refused(db):
    import psycopg

    models.close_database()
    with psycopg.connect(str(db), autocommit=True) as raw:
        raw.execute("INSERT INTO schema_migration(name, applied) VALUES ('9999_future', now())")
    with pytest.raises(models.DatabaseTooNew, match="newer hushdesk"):
        models.open_database(db)


@pytest.mark.postgres_only
def test_a_postgresql_database_of_another_program_is_left_alone(pg_cluster):
    url = pg_cluster.new_database()
    pg_cluster.sql("CREATE TABLE invoices (id int)", url.rsplit("/", 1)[1])
    with pytest.raises(models.Refused, match="another program's tables"):
        models.open_database(url, create=True)


@pytest.mark.postgres_only
def test_a_postgresql_upgrade_gives_every_document_its_word_pairs(db):
    """Documents written before 0009 hold no pairs: a phrase would find nothing in them."""
    import psycopg

    keep = conversation(body="the tracking number is TRK1")
    other = conversation(body="number one, tracking two")
    models.close_database()
    with psycopg.connect(str(db), autocommit=True) as raw:  # as an older hushdesk left it
        raw.execute(
            "UPDATE search_document SET document = ts_delete(document, "
            "ARRAY(SELECT lexeme FROM unnest(document) WHERE lexeme LIKE '% %'))"
        )
        raw.execute("DELETE FROM schema_migration WHERE name = '0009_search_plans'")
    models.open_database(db)
    assert models.ConversationSearch('"tracking number"').ids() == [keep]
    assert models.ConversationSearch('"number tracking"').ids() == []
    assert sorted(models.ConversationSearch("tracking number").ids()) == sorted([keep, other])
