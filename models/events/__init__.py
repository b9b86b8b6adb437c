"""Events for the systems around the help desk: webhook subscriptions and their durable
outbox, written by the deleting operations themselves inside their transactions
(`outbox.emit`), so a deletion made in the app, on the command line, by a sweep or through
the API fires its webhook as surely; deliveries are signed (`signing`) and retried.

It stands below the operations, which write to it; the API (`models.api`) above them.
"""
