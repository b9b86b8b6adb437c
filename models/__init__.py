"""hushdesk's data: Peewee models and every data-policy operation, with no user interface.

The screens and the command line call these functions and never build a
query of their own. Nothing here imports Textual.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from . import drivers  # noqa: F401  # first: Peewee without psycopg until PostgreSQL is opened
from .assistants import (
    AssistantRow,
    SweepResult,
    ages,
    check_days,
    due_search,
    enabled_channels,
    list_assistants,
    oldest_age_days,
    rule,
    set_assistant,
    sweep,
    sweep_channel,
)
from .channels import ChannelInfo, ensure_channel, get_channel, list_channels
from .contacts import (
    AttributeRow,
    ContactInfo,
    ForgetResult,
    create_contact,
    delete_attribute,
    forget_contact,
    get_contact,
    list_attributes,
    resolve_contact,
    set_attribute,
)
from .conversations import (
    ConversationDetail,
    DeletionResult,
    DeletionSummary,
    archive,
    check_ids,
    counts,
    delete_conversations,
    existing,
    get_conversation,
    hold,
    release,
    summarize,
    unarchive,
)
from .engine import (
    BUSY_TIMEOUT_S,
    Cleanup,
    close_database,
    finish_cleanup,
    open_database,
    watch_changes,
)
from .errors import (
    BadQuery,
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseTooNew,
    DatabaseUnavailable,
    DiskFull,
    HushdeskError,
    InvalidInput,
    NotFound,
    ReadOnly,
    Refused,
)
from .forensics import Finding, Owed, check_texts, owed, scan
from .intake import NewMessage, add_message, create_conversation
from .log import LogCheck, LogEntry, list_log, verify_log
from .schema import ARCHIVED, OPEN, SOMEONE
from .search import ConversationRow, ConversationSearch
from .verification import Report, Trace, verify

if TYPE_CHECKING:
    from .access import ExportSummary, export_person
    from .demo import DemoResult
    from .demo import generate as generate_demo
    from .detect import Suggestion, suggestions
    from .erasure import (
        Counts,
        ErasurePlan,
        Receipt,
        erase,
        plan_erasure,
        receipt_dict,
        redact,
        write_new,
    )
    from .importer import ImportResult, import_path
    from .people import ConversationBrief, Mention, Person, find_person
    from .settings import all_settings, ours, set_ours

# Loaded on first use: what requests, imports, the demo and settings need (the mail
# parser, the export and erasure code) costs every other command its start-up time.
LAZY = {
    "ExportSummary": "access",
    "export_person": "access",
    "DemoResult": "demo",
    "generate_demo": "demo:generate",
    "Suggestion": "detect",
    "suggestions": "detect",
    "Counts": "erasure",
    "ErasurePlan": "erasure",
    "Receipt": "erasure",
    "erase": "erasure",
    "plan_erasure": "erasure",
    "receipt_dict": "erasure",
    "redact": "erasure",
    "write_new": "erasure",
    "ImportResult": "importer",
    "import_path": "importer",
    "ConversationBrief": "people",
    "Mention": "people",
    "Person": "people",
    "find_person": "people",
    "all_settings": "settings",
    "ours": "settings",
    "set_ours": "settings",
}


def __getattr__(name: str) -> Any:
    where = LAZY.get(name)
    if where is None:
        raise AttributeError(f"module 'models' has no attribute {name!r}")
    module, _, attribute = where.partition(":")
    value = getattr(import_module(f".{module}", __name__), attribute or name)
    globals()[name] = value
    return value


__all__ = [
    "ARCHIVED",
    "BUSY_TIMEOUT_S",
    "OPEN",
    "SOMEONE",
    "AssistantRow",
    "AttributeRow",
    "BadQuery",
    "ChannelInfo",
    "Cleanup",
    "ConversationBrief",
    "Counts",
    "ContactInfo",
    "ConversationDetail",
    "ConversationRow",
    "ConversationSearch",
    "DatabaseBusy",
    "DatabaseDamaged",
    "DatabaseTooNew",
    "DatabaseUnavailable",
    "DeletionResult",
    "DeletionSummary",
    "DemoResult",
    "DiskFull",
    "ErasurePlan",
    "ExportSummary",
    "Finding",
    "ForgetResult",
    "HushdeskError",
    "ImportResult",
    "InvalidInput",
    "LogCheck",
    "LogEntry",
    "Mention",
    "NewMessage",
    "NotFound",
    "Owed",
    "Person",
    "Receipt",
    "Report",
    "Trace",
    "ReadOnly",
    "Refused",
    "Suggestion",
    "SweepResult",
    "check_texts",
    "erase",
    "export_person",
    "find_person",
    "plan_erasure",
    "receipt_dict",
    "redact",
    "suggestions",
    "write_new",
    "verify",
    "watch_changes",
    "existing",
    "check_ids",
    "finish_cleanup",
    "generate_demo",
    "all_settings",
    "ours",
    "set_ours",
    "import_path",
    "owed",
    "scan",
    "add_message",
    "ages",
    "archive",
    "check_days",
    "close_database",
    "counts",
    "create_contact",
    "create_conversation",
    "delete_attribute",
    "delete_conversations",
    "due_search",
    "enabled_channels",
    "rule",
    "ensure_channel",
    "forget_contact",
    "get_channel",
    "get_contact",
    "get_conversation",
    "hold",
    "list_assistants",
    "list_attributes",
    "list_channels",
    "list_log",
    "verify_log",
    "oldest_age_days",
    "open_database",
    "release",
    "resolve_contact",
    "set_assistant",
    "set_attribute",
    "summarize",
    "sweep",
    "sweep_channel",
    "unarchive",
]
