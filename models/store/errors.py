"""The one family of exceptions hushdesk's operations raise on bad input or a failing database.

The command line and the screens catch `HushdeskError` and show its message as
one line; an operation that raises has changed nothing, unless the error says
otherwise (`Pending`: the change is committed, some clean-up is still owed).
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
    """The database cannot be used: missing, not hushdesk's, locked, full, damaged, read-only."""


class DatabaseBusy(DatabaseUnavailable):
    """Another process held the write lock for longer than hushdesk waits."""


class DiskFull(DatabaseUnavailable):
    """The disk (or the database's size limit) is full."""


class DatabaseDamaged(DatabaseUnavailable):
    """The file is corrupt, or not a database at all."""


class ReadOnly(DatabaseUnavailable):
    """The file or its folder cannot be written."""
