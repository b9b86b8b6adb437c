"""hushdesk's data: Peewee models and every data-policy operation, with no user interface.

The screens and the command line call these functions and never build a
query of their own. Nothing here imports Textual.

Every name below is loaded on first use, with the module that defines it:
`import models` itself costs nothing, so the command line can draw its first
frame (`glance`) before Peewee and the rest have loaded, and each command loads
only what it uses (the mail parser, the export and erasure code are not small).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from . import drivers  # noqa: F401  # first: Peewee, whenever it loads, without psycopg

if TYPE_CHECKING:
    from .access import ExportSummary, export_person
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
    from .demo import DemoResult
    from .demo import generate as generate_demo
    from .detect import Suggestion, suggestions
    from .engine import (
        Cleanup,
        close_database,
        finish_cleanup,
        open_database,
        watch_changes,
    )
    from .erasure import (
        Counts,
        ErasurePlan,
        Receipt,
        erase,
        plan_erasure,
        receipt_dict,
        receipt_json,
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
    from .files import write_new
    from .forensics import Finding, Owed, check_texts, owed, scan
    from .guard import BUSY_TIMEOUT_S
    from .importer import ImportResult, import_path
    from .intake import NewMessage, add_message, create_conversation
    from .log import LogCheck, LogEntry, list_log, verify_log
    from .people import ConversationBrief, Mention, Person, Written, find_person
    from .proof import Proof
    from .reading import close_read_only, open_read_only
    from .redaction import redact
    from .search import ConversationSearch
    from .settings import RegionChange, all_settings, ours, region, set_ours, set_region
    from .values import ARCHIVED, OPEN, SOMEONE, ConversationRow
    from .verification import Report, Trace, verify

LAZY = {  # name: module, or module:name where the module calls it otherwise
    "AssistantRow": "assistants",
    "SweepResult": "assistants",
    "ages": "assistants",
    "check_days": "assistants",
    "due_search": "assistants",
    "enabled_channels": "assistants",
    "list_assistants": "assistants",
    "oldest_age_days": "assistants",
    "rule": "assistants",
    "set_assistant": "assistants",
    "sweep": "assistants",
    "sweep_channel": "assistants",
    "ChannelInfo": "channels",
    "ensure_channel": "channels",
    "get_channel": "channels",
    "list_channels": "channels",
    "AttributeRow": "contacts",
    "ContactInfo": "contacts",
    "ForgetResult": "contacts",
    "create_contact": "contacts",
    "delete_attribute": "contacts",
    "forget_contact": "contacts",
    "get_contact": "contacts",
    "list_attributes": "contacts",
    "resolve_contact": "contacts",
    "set_attribute": "contacts",
    "ConversationDetail": "conversations",
    "DeletionResult": "conversations",
    "DeletionSummary": "conversations",
    "archive": "conversations",
    "check_ids": "conversations",
    "counts": "conversations",
    "delete_conversations": "conversations",
    "existing": "conversations",
    "get_conversation": "conversations",
    "hold": "conversations",
    "release": "conversations",
    "summarize": "conversations",
    "unarchive": "conversations",
    "BUSY_TIMEOUT_S": "guard",
    "Cleanup": "engine",
    "close_database": "engine",
    "finish_cleanup": "engine",
    "open_database": "engine",
    "watch_changes": "engine",
    "BadQuery": "errors",
    "DatabaseBusy": "errors",
    "DatabaseDamaged": "errors",
    "DatabaseTooNew": "errors",
    "DatabaseUnavailable": "errors",
    "DiskFull": "errors",
    "HushdeskError": "errors",
    "InvalidInput": "errors",
    "NotFound": "errors",
    "ReadOnly": "errors",
    "Refused": "errors",
    "Finding": "forensics",
    "Owed": "forensics",
    "check_texts": "forensics",
    "owed": "forensics",
    "scan": "forensics",
    "NewMessage": "intake",
    "add_message": "intake",
    "create_conversation": "intake",
    "LogCheck": "log",
    "LogEntry": "log",
    "list_log": "log",
    "verify_log": "log",
    "ARCHIVED": "values",
    "OPEN": "values",
    "SOMEONE": "values",
    "ConversationRow": "values",
    "ConversationSearch": "search",
    "close_read_only": "reading",
    "open_read_only": "reading",
    "Report": "verification",
    "Trace": "verification",
    "verify": "verification",
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
    "receipt_json": "erasure",
    "redact": "redaction",
    "write_new": "files",
    "Proof": "proof",
    "Written": "people",
    "ImportResult": "importer",
    "import_path": "importer",
    "ConversationBrief": "people",
    "Mention": "people",
    "Person": "people",
    "find_person": "people",
    "all_settings": "settings",
    "ours": "settings",
    "set_ours": "settings",
    "RegionChange": "settings",
    "region": "settings",
    "set_region": "settings",
}


def __getattr__(name: str) -> Any:
    """A public name (loading its module) or a submodule, on first use."""
    where = LAZY.get(name)
    if where is None:
        try:
            return import_module(f".{name}", __name__)
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
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
    "close_read_only",
    "open_read_only",
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
    "receipt_json",
    "redact",
    "Proof",
    "Written",
    "RegionChange",
    "region",
    "set_region",
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
