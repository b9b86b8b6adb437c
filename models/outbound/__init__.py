"""Replies: an agent's answer to an email conversation, sent by SMTP submission.

The room's parts, in the order a reply goes through them: `server` (the
submission URL and where its password is), `thread` (From, To, Subject,
In-Reply-To and References, read from the conversation and its stored
Message-IDs; whether the mail answered was automatic), `drafts`, `compose`
(the message's bytes, with no header a customer's text can add to),
`outbox` (the durable states a reply moves through, and the commit point),
`submit` (one SMTP session, stopped just before the end of DATA for the
commit point) and `sending` (the loop that sends what is due). hushdesk never
answers by itself: a reply is only ever sent because an agent wrote it.
"""
