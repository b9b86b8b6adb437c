"""Splitting an mbox file into its messages, as mutt and Python's `mailbox` do, in linear time.

A message starts at a line beginning `From ` (at the start of the file or
right after a line break, whatever the line ending) when header fields follow
it: the lines after it, up to the first blank line, are RFC 5322 fields, one
of them a message's own field (From:, Date:, Received:, ...). So the
Netscape-era `From - ` with no date, Gmail's `From 1844347792267117879@xxx`,
and separators with no blank line before them all start messages, while an
unescaped "From time to time" (or "From Russia with love" and then "Year:
1963") in a body stays in the body, unless it is a whole separator (a sender
and a date): that starts an item named as no message, so no bytes hide in the
message before it. Text before the first message is a message when it is
headers (a file of one message), else it is named as skipped.

Every byte is looked at a bounded number of times: separators are found with
`bytes.find` (a line break, then `From `), a candidate's header lines are
checked until the first line that decides, and no line is checked for two
candidates (a `From ` line ends the previous candidate's lines). No pattern
can backtrack across a line. A file with bare CR line ends (classic Mac OS) is
read as if they were LF.
"""

from __future__ import annotations

import mmap
import re
from collections.abc import Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime

from .message import sane_date
from .raw import MailItem

MAX_MESSAGE = 25 * 1024 * 1024
BOM = b"\xef\xbb\xbf"
FIELD_RE = re.compile(rb"([!-9;-~]+)[ \t]*:")  # a field name, optional blanks, the colon
ESCAPED_FROM_RE = re.compile(rb"(?m)^>(>*From )")
MAX_FROM_LINE = 300  # characters of a From line read for its date
NO_HEADERS = "not a message (no header fields follow its From line)"
SAMPLE = 1 << 20  # bytes looked at to tell the line ending
Data = bytes | mmap.mmap
MESSAGE_FIELDS = frozenset(
    {
        b"from",
        b"sender",
        b"reply-to",
        b"to",
        b"cc",
        b"bcc",
        b"date",
        b"subject",
        b"message-id",
        b"in-reply-to",
        b"references",
        b"received",
        b"return-path",
        b"delivered-to",
        b"x-original-to",
        b"mime-version",
        b"content-type",
    }
)


def split(data: Data) -> Iterator[MailItem]:
    """Every message of an mbox's bytes, in order, labelled `message N`."""
    data = _lf_only(data)
    begin = len(BOM) if data[: len(BOM)] == BOM else 0
    marks = list(_separators(data, begin))
    first = marks[0][0] if marks else len(data)
    start = _skip_blank(data, begin, first)
    number = 0
    if start < first:
        if opens_headers(data, start):
            number += 1
            yield _item(data, start, first, number, b"")
        else:
            yield MailItem(f"before message 1 ({first:,} bytes)", b"", problem="not a message")
    for index, (line, body, headers) in enumerate(marks):
        end = marks[index + 1][0] if index + 1 < len(marks) else len(data)
        number += 1
        if headers:
            yield _item(data, body, end, number, data[line + 5 : min(body, line + MAX_FROM_LINE)])
        else:
            yield MailItem(f"message {number}", b"", problem=NO_HEADERS)


def _lf_only(data: Data) -> Data:
    """A file written with bare CR line ends (classic Mac OS) as LF lines; others as they are."""
    sample = data[:SAMPLE]
    if sample.count(b"\r") - sample.count(b"\r\n") > sample.count(b"\n"):
        return bytes(data).replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data


def _separators(data: Data, begin: int) -> Iterator[tuple[int, int, bool]]:
    """(where the From line starts, where the next line starts, whether headers start there).

    A `From ` line with headers after it starts a message. One without them
    stays in the body, unless it is a whole mbox separator (a sender and a
    date): then it starts an item that is named as no message, rather than
    its bytes being hidden in the message before.
    """
    at = begin if data[begin : begin + 5] == b"From " else _line_from(data, begin)
    while at != -1:
        after = _next_line(data, at)
        if opens_headers(data, after):
            yield at, after, True
        elif from_line_date(data[at + 5 : min(after, at + MAX_FROM_LINE)]) is not None:
            yield at, after, False
        at = _line_from(data, after - 1)


def _line_from(data: Data, at: int) -> int:
    """The next `From ` at the start of a line, after `at` (-1: none)."""
    found = data.find(b"\nFrom ", at)
    return found + 1 if found != -1 else -1


def has_separator(data: bytes) -> bool:
    """Whether the bytes hold a `From ` line that starts a message."""
    return any(headers for _, _, headers in _separators(_lf_only(data), 0))


def _next_line(data: Data, at: int) -> int:
    """Where the line after the one containing `at` starts (len(data) at the end)."""
    end = data.find(b"\n", at)
    return end + 1 if end != -1 else len(data)


def _skip_blank(data: Data, at: int, end: int) -> int:
    """Where the text after leading blank lines starts (`end` when there is none)."""
    while at < end and data[at] in b" \t\r\n":
        at += 1
    return at


def opens_headers(data: Data, at: int) -> bool:
    """Whether header fields start at `at`: fields up to a blank line, a message field among them.

    Stops at the first line that decides, and at a `From ` line, so that no
    line is looked at for two candidate separators.
    """
    first = True
    while at < len(data):
        if data[at : at + 5] == b"From ":
            return False
        if data[at] in b" \t" and not first:  # a folded line continues the field above
            at = _next_line(data, at)
            continue
        field = FIELD_RE.match(data, at)
        if field is None:
            return False  # a blank line or a line that is not a field: no message field yet
        if field.group(1).lower() in MESSAGE_FIELDS:
            return True
        first = False
        at = _next_line(data, at)
    return False


def _item(data: Data, start: int, end: int, number: int, from_line: bytes) -> MailItem:
    label = f"message {number}"
    if end - start > MAX_MESSAGE:
        return MailItem(label, b"", problem=f"larger than {MAX_MESSAGE >> 20} MB")
    body = ESCAPED_FROM_RE.sub(rb"\1", data[start:end])
    when = from_line_date(from_line)
    return MailItem(label, body, when, dated_by="from line" if when else "")


def from_line_date(line: bytes) -> datetime | None:
    """The date on an mbox `From sender date` line (asctime format), if there is a sane one."""
    parts = line.decode("ascii", "replace").split(None, 1)
    if len(parts) < 2:
        return None
    try:
        when = parsedate_to_datetime(parts[1].strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return sane_date(when)
