"""A restarting server, a cut connection: the app lives on; "failed" only when nothing happened.

PostgreSQL's own: the server really restarts (pg_ctl), or a proxy between
hushdesk and the server cuts the connection at the moment a change commits.
"""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest

import models
from models.store import outcome
from tui.app import make_app
from tui.app.widgets.conversation_list import ConversationList

from .conftest import NOW
from .helpers import conversation
from .netcut import COMMIT_ASKED, COMMIT_DONE, Cutter
from .test_cli import HUSHDESK
from .test_live import said, until

pytestmark = pytest.mark.postgres_only
SIZE = (120, 40)


@pytest.fixture
def proxied(db, pg_cluster, clock):
    """The database opened through a proxy that can cut its connection."""
    proxy = Cutter(pg_cluster.port)
    models.close_database()
    url = proxy.url(str(db))
    models.open_database(url)
    yield proxy, url
    models.close_database()
    proxy.close()


def archived(count: int) -> list[int]:
    return [
        conversation(email=f"a{i}@example.com", subject=f"old {i}", status="archived")
        for i in range(count)
    ]


def test_a_delete_whose_commit_answer_is_cut_is_done_and_said_so(proxied):
    proxy, _ = proxied
    first, second = archived(2)
    proxy.arm(server_says=COMMIT_DONE)
    with pytest.raises(models.DoneButLost, match="the database confirms it"):
        models.delete_conversations([first], "sam")
    assert proxy.cuts == 1 and models.existing([first, second]) == {second}
    proxy.arm(client_says=COMMIT_ASKED)
    with pytest.raises(models.DatabaseUnavailable, match="nothing was changed"):
        models.delete_conversations([second], "sam")
    assert proxy.cuts == 2 and models.existing([second]) == {second}
    assert [e.action for e in models.list_log()] == ["delete conversations"]


def test_the_command_line_reports_what_happened_not_failed(proxied):
    proxy, url = proxied
    (first,) = archived(1)
    proxy.arm(server_says=COMMIT_DONE)
    done = subprocess.run(
        [HUSHDESK, "--db", url, "--agent", "sam", "delete", str(first)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proxy.cuts == 1
    assert done.returncode in (0, 3), done.stderr
    assert "done: the connection" in done.stdout and "confirms it" in done.stdout
    assert "Traceback" not in done.stderr + done.stdout
    assert models.existing([first]) == set()


def test_a_sweep_counts_the_chunk_the_database_has(proxied):
    proxy, _ = proxied
    for i in range(3):
        conversation(email=f"s{i}@example.com", at=NOW - timedelta(days=40))
    models.set_assistant("Email", 1)
    proxy.arm(server_says=COMMIT_DONE)
    [result] = models.sweep("Email")
    assert proxy.cuts == 1
    assert result.deleted == 3 and models.ConversationSearch("").count() == 0


def test_a_read_after_a_restart_reads_again_on_a_new_connection(db, pg_cluster):
    archived(2)
    assert models.counts()["archived"] == 2
    pg_cluster.restart()
    assert models.counts()["archived"] == 2, "the lost connection was replaced, the read again"


def test_when_the_server_does_not_come_back_it_says_so(proxied, monkeypatch):
    proxy, _ = proxied
    (first,) = archived(1)
    monkeypatch.setattr(outcome, "RECONNECT_S", (0.01, 0.01))
    proxy.arm(server_says=COMMIT_DONE)
    proxy.refusing = True
    with pytest.raises(models.DatabaseUnavailable, match="could not reach it again"):
        models.delete_conversations([first], "sam")


async def test_the_app_lives_through_a_server_restart(db, pg_cluster, clock):
    for i in range(3):
        conversation(email=f"o{i}@example.com", subject=f"open {i}")
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "Open 3" in str(app.screen.query_one("#tab-open").label))
        pg_cluster.restart()
        await until(pilot, lambda: any("Lost the connection" in m for m in said(app)), 30)
        await until(
            pilot, lambda: any("Connected to the database again" in m for m in said(app)), 30
        )
        view = app.screen.query_one(ConversationList)
        await until(pilot, lambda: view.total == 3)
        target = str(view.current.id)
        done = subprocess.run(
            [HUSHDESK, "--db", str(db), "--agent", "other", "archive", target],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        await until(pilot, lambda: "Open 2" in str(app.screen.query_one("#tab-open").label))
        assert view.total == 2, "live again: another agent's change shows without a key"
