"""Live mail intake: mail sources, fetching each message exactly once, the server's copy.

Above the operations: new mail goes through the same import as `hushdesk
import` (`mail_import.import_mail`). The kind of source (an IMAP server, a
Maildir) is decided once, in `box.open_box`; the fetch loop sees a `Box`.
"""
