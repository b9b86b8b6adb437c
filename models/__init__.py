"""hushdesk's core: every data-policy operation and the data, with no user interface.

The screens, the command line and the HTTP API call these names and never build
a query of their own. Nothing here imports Textual or anything of `tui`.

The public names are listed once, below, each imported from the room that
defines it (`X as X`: the name is this package's). At run time nothing is
imported until a name is first used: the list is read from this file, and each
name then loads its module. So `import models` costs nothing, the command line
can draw its first frame (`store.glance`) before Peewee has loaded, and each
command loads only what it uses.
"""

from __future__ import annotations

import re
from importlib import import_module
from typing import TYPE_CHECKING, Any

from .store import drivers  # noqa: F401  # first: Peewee, whenever it loads, without psycopg

if TYPE_CHECKING:
    from .assistants import AssistantRow as AssistantRow
    from .assistants import SweepResult as SweepResult
    from .assistants import ages as ages
    from .assistants import check_days as check_days
    from .assistants import due_search as due_search
    from .assistants import enabled_channels as enabled_channels
    from .assistants import list_assistants as list_assistants
    from .assistants import oldest_age_days as oldest_age_days
    from .assistants import rule as rule
    from .assistants import set_assistant as set_assistant
    from .assistants import sweep as sweep
    from .assistants import sweep_channel as sweep_channel
    from .backup.format import BackupUnreadable as BackupUnreadable
    from .backup.keyfile import export_keys as export_keys
    from .backup.keyfile import read_keys as read_keys
    from .backup.keyfile import read_passphrase as read_passphrase
    from .backup.proof import BackupProof as BackupProof
    from .backup.proof import verify_backup as verify_backup
    from .backup.restoring import Keys as Keys
    from .backup.restoring import RestoreResult as RestoreResult
    from .backup.restoring import live_keys as live_keys
    from .backup.restoring import restore as restore
    from .backup.writing import BackupResult as BackupResult
    from .backup.writing import write_backup as write_backup
    from .channels import ChannelInfo as ChannelInfo
    from .channels import ensure_channel as ensure_channel
    from .channels import get_channel as get_channel
    from .channels import list_channels as list_channels
    from .contacts import AttributeRow as AttributeRow
    from .contacts import ContactInfo as ContactInfo
    from .contacts import ForgetResult as ForgetResult
    from .contacts import create_contact as create_contact
    from .contacts import delete_attribute as delete_attribute
    from .contacts import delete_attributes as delete_attributes
    from .contacts import forget_contact as forget_contact
    from .contacts import get_contact as get_contact
    from .contacts import list_attributes as list_attributes
    from .contacts import resolve_contact as resolve_contact
    from .contacts import set_attribute as set_attribute
    from .conversations import ConversationDetail as ConversationDetail
    from .conversations import DeletionResult as DeletionResult
    from .conversations import DeletionSummary as DeletionSummary
    from .conversations import archive as archive
    from .conversations import check_ids as check_ids
    from .conversations import counts as counts
    from .conversations import delete_conversations as delete_conversations
    from .conversations import existing as existing
    from .conversations import get_conversation as get_conversation
    from .conversations import hold as hold
    from .conversations import release as release
    from .conversations import summarize as summarize
    from .conversations import unarchive as unarchive
    from .demo.generate import DemoResult as DemoResult
    from .demo.generate import generate_demo as generate_demo
    from .importer import ImportResult as ImportResult
    from .importer import import_path as import_path
    from .inflow.box import FetchFailed as FetchFailed
    from .inflow.fetch import FetchResult as FetchResult
    from .inflow.fetch import fetch as fetch
    from .inflow.fetch import fetch_due as fetch_due
    from .inflow.sent_copy import Settled as Settled
    from .inflow.sent_copy import send_due as send_due
    from .inflow.sent_copy import sent_copy as sent_copy
    from .inflow.sent_copy import set_sent_copy as set_sent_copy
    from .inflow.sent_copy import settle_uncertain as settle_uncertain
    from .inflow.sources import Source as Source
    from .inflow.sources import add_source as add_source
    from .inflow.sources import list_sources as list_sources
    from .inflow.sources import remove_source as remove_source
    from .inflow.waiting import idle_source as idle_source
    from .inflow.waiting import wait_for_mail as wait_for_mail
    from .intake import NewMessage as NewMessage
    from .intake import add_message as add_message
    from .intake import create_conversation as create_conversation
    from .log import LogCheck as LogCheck
    from .log import LogEntry as LogEntry
    from .log import list_log as list_log
    from .log import verify_log as verify_log
    from .outbound.config import set_signature as set_signature
    from .outbound.config import set_smtp as set_smtp
    from .outbound.config import signature as signature
    from .outbound.config import smtp as smtp
    from .outbound.drafts import draft as draft
    from .outbound.drafts import save_draft as save_draft
    from .outbound.outbox import Pending as Pending
    from .outbound.outbox import pending_replies as pending_replies
    from .outbound.outbox import queue_reply as queue_reply
    from .outbound.outbox import retry_failed as retry_failed
    from .outbound.outbox import retry_reply as retry_reply
    from .outbound.sending import SendReport as SendReport
    from .outbound.server import Server as Server
    from .outbound.thread import Addressing as Addressing
    from .outbound.thread import reply_to as reply_to
    from .privacy.access import ExportSummary as ExportSummary
    from .privacy.access import export_person as export_person
    from .privacy.access import person_document as person_document
    from .privacy.detect import Suggestion as Suggestion
    from .privacy.detect import suggestions as suggestions
    from .privacy.erasure import Counts as Counts
    from .privacy.erasure import ErasurePlan as ErasurePlan
    from .privacy.erasure import Receipt as Receipt
    from .privacy.erasure import plan_erasure as plan_erasure
    from .privacy.erasure import receipt_dict as receipt_dict
    from .privacy.erasure import receipt_json as receipt_json
    from .privacy.people import ConversationBrief as ConversationBrief
    from .privacy.people import Mention as Mention
    from .privacy.people import Person as Person
    from .privacy.people import Written as Written
    from .privacy.people import find_person as find_person
    from .privacy.proof import Proof as Proof
    from .privacy.redaction import redact as redact
    from .privacy.tracking.asking import asks as asks
    from .privacy.tracking.doing import erase as erase
    from .privacy.tracking.doing import export_for_request as export_for_request
    from .privacy.tracking.month import SOON_DAYS as SOON_DAYS
    from .privacy.tracking.records import Opened as Opened
    from .privacy.tracking.records import RequestInfo as RequestInfo
    from .privacy.tracking.records import TrailStep as TrailStep
    from .privacy.tracking.records import close_request as close_request
    from .privacy.tracking.records import due_requests as due_requests
    from .privacy.tracking.records import extend_request as extend_request
    from .privacy.tracking.records import get_request as get_request
    from .privacy.tracking.records import list_requests as list_requests
    from .privacy.tracking.records import open_request as open_request
    from .privacy.tracking.records import parse_day as parse_day
    from .privacy.tracking.records import refuse_request as refuse_request
    from .privacy.tracking.records import request_names as request_names
    from .privacy.tracking.records import request_trail as request_trail
    from .privacy.tracking.records import wait_for_identity as wait_for_identity
    from .schedule import DEFAULT_INTERVAL as DEFAULT_INTERVAL
    from .schedule import SweepSchedule as SweepSchedule
    from .schedule import describe_interval as describe_interval
    from .schedule import parse_interval as parse_interval
    from .search.planner import ConversationSearch as ConversationSearch
    from .settings import RegionChange as RegionChange
    from .settings import all_settings as all_settings
    from .settings import ours as ours
    from .settings import region as region
    from .settings import set_ours as set_ours
    from .settings import set_region as set_region
    from .store.clock import now as now
    from .store.database import Database as Database
    from .store.database import connection as connection
    from .store.engine import Cleanup as Cleanup
    from .store.engine import close_database as close_database
    from .store.engine import finish_cleanup as finish_cleanup
    from .store.engine import open_database as open_database
    from .store.engine import watch_changes as watch_changes
    from .store.engines.base import Watcher as Watcher
    from .store.errors import BadQuery as BadQuery
    from .store.errors import CannotTell as CannotTell
    from .store.errors import DatabaseBusy as DatabaseBusy
    from .store.errors import DatabaseDamaged as DatabaseDamaged
    from .store.errors import DatabaseTooNew as DatabaseTooNew
    from .store.errors import DatabaseUnavailable as DatabaseUnavailable
    from .store.errors import DiskFull as DiskFull
    from .store.errors import DoneButLost as DoneButLost
    from .store.errors import HushdeskError as HushdeskError
    from .store.errors import InvalidInput as InvalidInput
    from .store.errors import NotFound as NotFound
    from .store.errors import ReadOnly as ReadOnly
    from .store.errors import Refused as Refused
    from .store.files import write_new as write_new
    from .store.forensics import Finding as Finding
    from .store.forensics import Owed as Owed
    from .store.forensics import check_texts as check_texts
    from .store.forensics import owed as owed
    from .store.forensics import scan as scan
    from .store.glance import newest_open as newest_open
    from .store.guard import BUSY_TIMEOUT_S as BUSY_TIMEOUT_S
    from .store.reading import close_read_only as close_read_only
    from .store.reading import open_read_only as open_read_only
    from .store.values import ARCHIVED as ARCHIVED
    from .store.values import CUSTOMER as CUSTOMER
    from .store.values import OPEN as OPEN
    from .store.values import SOMEONE as SOMEONE
    from .store.values import WRITER as WRITER
    from .store.values import ConversationRow as ConversationRow
    from .store.verification import Report as Report
    from .store.verification import Trace as Trace
    from .store.verification import verify as verify

_IMPORT_RE = re.compile(r"^    from \.([\w.]+) import (?:\(([^)]*)\)|([^(\n]*)$)", re.M)


def _public() -> dict[str, tuple[str, str]]:
    """Each public name: (its module, its name there), read from the list above."""
    with open(__file__, encoding="utf-8") as handle:
        source = handle.read()
    block = source.split("if TYPE_CHECKING:\n", 1)[1].split("\n\n", 1)[0]
    found: dict[str, tuple[str, str]] = {}
    for module, listed, line in _IMPORT_RE.findall(block):
        for pair in (listed or line).replace("\n", " ").split(","):
            if pair.strip():
                defined, _, public = pair.strip().partition(" as ")
                found[public] = (module, defined)
    return found


_PUBLIC = _public()
__all__ = list(_PUBLIC)


def __getattr__(name: str) -> Any:
    """A public name (loading its module) or a submodule, on first use."""
    where = _PUBLIC.get(name)
    if where is None:
        try:
            return import_module(f".{name}", __name__)
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    module, defined = where
    value = getattr(import_module(f".{module}", __name__), defined)
    globals()[name] = value
    return value
