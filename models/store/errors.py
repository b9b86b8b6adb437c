"""The one family of exceptions hushdesk's operations raise on bad input or a failing database.

The command line and the screens catch `HushdeskError` and show its message as
one line; an operation that raises has changed nothing, unless the error says
otherwise. Each kind carries what a face needs to say it in its own terms: the
HTTP API answers with its `status` and `title` (a problem document's), the
command line with exit code 1.
"""


class HushdeskError(Exception):
    """Base of every refusal; `str(error)` is a one-line message for a person."""

    status = 400  # the HTTP status a face answers it with
    title = "The request was refused"


class InvalidInput(HushdeskError):
    """The request is malformed: a bad id, a bad number, a bad date, a bad file."""

    status = 422
    title = "The request is not valid"


class NotFound(HushdeskError):
    """The request names a conversation, contact, channel or attribute that is not there."""

    status = 404
    title = "Not found"


class Refused(HushdeskError):
    """The request is well formed but policy forbids it (open or held conversations)."""

    status = 409
    title = "Refused by the data policy"


class BadQuery(InvalidInput):
    """A search string that cannot be understood."""

    status = 422
    title = "The search cannot be read"


class DatabaseTooNew(HushdeskError):
    """The database was written by a newer hushdesk than this one."""

    status = 503
    title = "The database is of a newer hushdesk"


class DatabaseUnavailable(HushdeskError):
    """The database cannot be used: missing, not hushdesk's, locked, full, damaged, read-only."""

    status = 503
    title = "The database cannot be used"


class DatabaseBusy(DatabaseUnavailable):
    """Another process held the write lock for longer than hushdesk waits."""

    status = 503
    title = "The database is busy"


class DiskFull(DatabaseUnavailable):
    """The disk (or the database's size limit) is full."""

    status = 507
    title = "The disk is full"


class DatabaseDamaged(DatabaseUnavailable):
    """The file is corrupt, or not a database at all."""

    status = 503
    title = "The database is damaged"


class ReadOnly(DatabaseUnavailable):
    """The file or its folder cannot be written."""

    status = 503
    title = "The database cannot be written"


class DoneButLost(HushdeskError):
    """The change was made: the connection was lost as it committed, and the database, asked
    again, confirms it. Anything to do after it (a deletion's clean-up) is still owed, and
    hushdesk finishes it at its next start."""

    status = 200
    title = "Done; the connection was lost as it committed"


class CannotTell(DatabaseUnavailable):
    """The connection was lost while a change committed, and the database could not be
    reached again to learn whether it did: the change may or may not have been made."""

    title = "Cannot tell whether the change was made"
