"""hushdesk's data: Peewee models and every data-policy operation, with no user interface.

The screens and the command line call these functions and never build a
query of their own. Nothing here imports Textual.
"""

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
    counts,
    delete_conversations,
    get_conversation,
    hold,
    release,
    summarize,
    unarchive,
)
from .engine import close_database, open_database
from .errors import (
    BadQuery,
    DatabaseTooNew,
    DatabaseUnavailable,
    HushdeskError,
    InvalidInput,
    NotFound,
    Refused,
)
from .intake import NewMessage, add_message, create_conversation
from .log import LogCheck, LogEntry, list_log, verify_log
from .schema import ARCHIVED, OPEN, SOMEONE
from .search import ConversationRow, ConversationSearch

__all__ = [
    "ARCHIVED",
    "OPEN",
    "SOMEONE",
    "AssistantRow",
    "AttributeRow",
    "BadQuery",
    "ChannelInfo",
    "ContactInfo",
    "ConversationDetail",
    "ConversationRow",
    "ConversationSearch",
    "DatabaseTooNew",
    "DatabaseUnavailable",
    "DeletionResult",
    "DeletionSummary",
    "HushdeskError",
    "InvalidInput",
    "LogCheck",
    "LogEntry",
    "NewMessage",
    "NotFound",
    "Refused",
    "SweepResult",
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
