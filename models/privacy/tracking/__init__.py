"""Access and erasure requests as records, each against its legal clock (GDPR article 12(3)).

`month` holds the clock's rule, `tables` the records, `records` the operations on
them (open, list, show, extend, close, refuse), `doing` the erasure and the export
done against a request, `sealing` what an ended request keeps of its identifiers,
and `asking` the words that suggest a conversation asks for access or erasure.
This room builds on `privacy.erasure` and `privacy.access`; they know nothing of it.
"""
