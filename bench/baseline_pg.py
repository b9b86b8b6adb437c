"""The same work done with plain psycopg on the same PostgreSQL server, for bench/run.py.

Each function does what hushdesk does for the step, with none of hushdesk around
it: COPY of the same rows and the same search documents, the same DELETEs and
the VACUUM that makes a deletion gone, the statements of a search replayed.
"""

from __future__ import annotations

import time
from typing import Any

import psycopg

from models.store.engines import postgres as pg

Tables = dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]]


def connect(url: str) -> psycopg.Connection[Any]:
    """A connection with the session settings hushdesk's own have (no parallel workers)."""
    return psycopg.connect(url, autocommit=True, options=pg.SESSION)


def insert_rows(url: str, tables: Tables) -> float:
    """COPY of pre-made rows, the search documents, the sequences, VACUUM (ANALYZE)."""
    con = connect(url)
    start = time.perf_counter()
    with con.transaction(), con.cursor() as cursor:
        for table, (columns, rows) in tables.items():
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        found = cursor.execute(pg._DOCUMENT_SELECT).fetchall()
        with cursor.copy("COPY search_document (conversation_id, document) FROM STDIN") as copy:
            for cid, *fields in found:
                copy.write_row((cid, pg.document(fields)))
    con.execute("VACUUM (ANALYZE)")
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def delete(url: str, ids: list[int], chunk: int | None = None) -> float:
    """Rows, search documents, the log entry; then VACUUM, as hushdesk's clean-up does.

    With `chunk`, one transaction per chunk of ids, as an assistant's sweep does.
    """
    con = connect(url)
    start = time.perf_counter()
    size = chunk or len(ids)
    for first in range(0, len(ids), size):
        _delete_chunk(con, ids[first : first + size])
    con.execute(f"VACUUM {', '.join(pg.CLEANED)}")
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def _delete_chunk(con: psycopg.Connection[Any], ids: list[int]) -> None:
    with con.transaction():
        con.execute("DELETE FROM search_document WHERE conversation_id = ANY(%s)", (ids,))
        con.execute("DELETE FROM message WHERE conversation_id = ANY(%s)", (ids,))
        con.execute("DELETE FROM conversation WHERE id = ANY(%s)", (ids,))
        con.execute(
            "INSERT INTO deletion_log(at, actor, action, count, reason, prev_hash, hash) "
            "VALUES (now(), 'bench', 'delete conversations', %s, 'bench', '', '')",
            (len(ids),),
        )
