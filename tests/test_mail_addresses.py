"""Property tests: hushdesk reads address headers as Python's strict parser does, or refuses.

The reference is `email.headerregistry` (the parser of `email.policy.default`),
counting the mailboxes it finds with both a local part and a domain. For any
header, written by the grammar or broken on purpose: when hushdesk answers, its
addresses are the reference's, in order; a From: header names a sender only
when the reference finds that one mailbox and nothing else. Headers written by
the grammar (no quoted local parts, no domain literals, no routes) are always
answered.
"""

from __future__ import annotations

import os
from email.headerregistry import HeaderRegistry

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from models.mail import addresses
from models.mail import message as mail

EXAMPLES = settings(
    max_examples=int(os.environ.get("HUSHDESK_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
REGISTRY = HeaderRegistry()
VICTIM = "victim@example.com"
ATEXT = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~"
HOSTILE = f"<{VICTIM}>"


def reference(header: str, value: str) -> list[str]:
    parsed = REGISTRY(header, "".join(value.splitlines()))  # unfolded, as policy.default does
    found = [a for a in parsed.addresses if a.username and a.domain]
    return [f"{a.username}@{a.domain}".lower() for a in found]


def hushdesk(value: str) -> list[str] | None:
    elements = addresses.parse(value)
    return None if elements is None else [m.address for m in addresses.mailboxes(elements)]


atom = st.text(ATEXT, min_size=1, max_size=6)
label = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=6)
address = st.builds(
    lambda local, domain: f"{'.'.join(local)}@{'.'.join(domain)}",
    st.lists(atom, min_size=1, max_size=3),
    st.lists(label, min_size=1, max_size=3),
)
quoted_text = st.lists(
    st.sampled_from([*"abc XYZ,;:@.<>[]()", '\\"', "\\\\", VICTIM, HOSTILE]), max_size=6
).map("".join)
comment = st.recursive(
    st.lists(st.sampled_from([*'abc ,;:@<>[]"', "\\(", "\\)", VICTIM, HOSTILE]), max_size=5)
    .map("".join)
    .map(lambda inner: f"({inner})"),
    lambda inner: st.tuples(inner, inner).map(lambda pair: f"({pair[0]} {pair[1]})"),
    max_leaves=3,
)
word = st.one_of(atom, quoted_text.map(lambda t: f'"{t}"'))
phrase = st.builds(  # a display name: one word at least, comments between words
    lambda first, more: " ".join([first, *more]),
    word,
    st.lists(st.one_of(word, comment), max_size=2),
)
blank = st.sampled_from(["", " ", "  ", "\r\n ", "\n\t"])
mailbox = st.one_of(
    st.builds(lambda a, c, s: f"{a}{s}{c}", address, st.one_of(st.just(""), comment), blank),
    st.builds(lambda n, a, s: f"{n}{s}<{a}>", phrase, address, blank),
    st.builds(lambda a: f"<{a}>", address),
)
group = st.builds(
    lambda name, members: f"{name}: {', '.join(members)};",
    phrase,
    st.lists(mailbox, max_size=3),
)
header_value = st.lists(st.one_of(mailbox, mailbox, group), min_size=1, max_size=3).map(", ".join)
BREAKERS = list('<>()"\\,:;@[] ') + ["\r\n ", "\n", "=?utf-8?q?", HOSTILE]
broken = st.builds(
    lambda value, cuts: _broken(value, cuts),
    header_value,
    st.lists(st.tuples(st.integers(0, 200), st.sampled_from(BREAKERS), st.booleans()), max_size=3),
)


def _broken(value: str, cuts: list[tuple[int, str, bool]]) -> str:
    for at, text, delete in cuts:
        at = at % (len(value) + 1)
        value = value[:at] + value[at + 1 :] if delete else value[:at] + text + value[at:]
    return value


@EXAMPLES
@given(value=header_value)
def test_headers_the_grammar_writes_are_read_as_the_reference_reads_them(value):
    assert hushdesk(value) == reference("To", value), value


@EXAMPLES
@given(value=st.one_of(header_value, broken))
def test_an_answer_is_always_the_references(value):
    found = hushdesk(value)
    if found is not None:  # (where the reference itself fails, no answer is the only right one)
        assert found == reference("To", value), value


def one_field(value: str) -> bool:
    """Whether the value stays one header field in a message (each line break folds)."""
    return all(part[:1] in (" ", "\t") for part in value.replace("\r\n", "\n").split("\n")[1:])


def message(*froms: str) -> bytes:
    head = "".join(f"From: {value}\r\n" for value in froms)
    return f"{head}To: desk@example.com\r\nSubject: hello\r\n\r\nbody\r\n".encode()


@EXAMPLES
@given(value=st.one_of(header_value, broken))
def test_a_sender_is_the_one_mailbox_the_reference_finds_or_unclear(value):
    assume(one_field(value) and "\r" not in value.replace("\r\n", ""))
    try:
        who = mail.sender(mail.parse(message(value)))
    except mail.NotAMessage:
        assert "@" not in value
        return
    if not who.unclear:
        assert reference("From", value) == [who.address], value
        groups = REGISTRY("From", "".join(value.splitlines())).groups
        assert all(not g.display_name for g in groups)
    else:
        assert who.address == ""


@EXAMPLES
@given(values=st.lists(header_value, min_size=2, max_size=3))
def test_two_from_headers_are_always_unclear(values):
    try:
        who = mail.sender(mail.parse(message(*values)))
    except mail.NotAMessage:
        assert not any("@" in value for value in values)
        return
    assert who.unclear and who.address == ""


@EXAMPLES
@given(to=header_value, cc=st.one_of(header_value, broken))
def test_every_address_of_to_and_cc(to, cc):
    assume(one_field(cc) and "\r" not in cc.replace("\r\n", ""))
    data = f"From: a@example.com\nTo: {to}\nCc: {cc}\n\nbody\n".encode()
    found = mail.recipients(mail.parse(data))
    expected = reference("To", to) + (reference("Cc", cc) if hushdesk(cc) is not None else [])
    assert found == [a for a in dict.fromkeys(expected) if mail.ADDRESS_RE.match(a)]
