"""Backups that forget: every record encrypted under a key of its own, kept out of the backup.

`hushdesk backup` writes the whole help desk to one file (`format`): each contact
(with its attributes), each conversation (with its messages, Message-IDs, drafts and
unsent replies) and each request (with its trail) compressed and then encrypted with
AES-256-GCM under its own random key, a fresh random nonce each time.
The keys stay in the live database's key store (`keys`). A change that removes
personal data destroys the key of the old version in its own transaction, so every
backup taken before it holds that version under a key that no longer exists: a
restore (`restoring`) with today's keys leaves it out, with no list of what to leave
out. `keyfile` writes the key store under a passphrase for disaster recovery; `proof`
says whether a text can still be read from a backup.
"""
