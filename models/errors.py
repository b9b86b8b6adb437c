"""The one family of exceptions that hushdesk's operations raise on bad input.

The command line and the screens catch `HushdeskError` and show its message as
one line; an operation that raises has changed nothing.
"""


class HushdeskError(Exception):
    """Base of every refusal; `str(error)` is a one-line message for a person."""


class InvalidInput(HushdeskError):
    """The request is malformed: a bad id, a bad number, a bad date, a bad file."""


class NotFound(HushdeskError):
    """The request names a conversation, contact, channel or attribute that is not there."""


class Refused(HushdeskError):
    """The request is well formed but policy forbids it (open or held conversations)."""


class BadQuery(InvalidInput):
    """A search string that cannot be understood."""


class DatabaseTooNew(HushdeskError):
    """The database was written by a newer hushdesk than this one."""


class DatabaseUnavailable(HushdeskError):
    """The database file cannot be opened (missing folder, not a database, locked)."""
