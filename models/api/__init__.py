"""What the HTTP API needs of the data: tokens and scopes, idempotency keys, and the cursor
pages of contacts, conversations and the log (webhooks and their outbox: `models.events`).

The server (`tui.api`) holds no query: each of its handlers calls one function
here or in the other rooms of `models`.
"""
