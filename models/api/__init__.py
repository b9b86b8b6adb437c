"""What the HTTP API needs of the data: tokens and scopes, idempotency keys, webhooks and
their durable outbox, and the cursor pages of contacts, conversations and the log.

The server (`tui.api`) holds no query: each of its handlers calls one function
here or in the other rooms of `models`. The outbox is written by the deleting
operations themselves, inside their transactions (`outbox.emit`), so a deletion
made in the app, on the command line or by a sweep fires its webhook as surely
as one made through the API.
"""
