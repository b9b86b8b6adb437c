"""Every person in a conversation can be found, and phone numbers compared whole.

`contact.phone_e164` holds the number's E.164 form beside what the customer
wrote (`+442079460018` for `+44 20 7946 0018`), so a request by phone is an
index lookup; numbers written without a country code are filled in once the
help desk's region is set (`hushdesk settings region`). `message.contact_id`
names the contact who wrote a message when that is not the conversation's own
contact (a colleague in Cc, a second customer in a thread). `request_done`
records, inside each logged change's transaction, a random id of the request:
after a lost connection, hushdesk looks it up to learn whether it committed.
"""

import phonenumbers

POSSIBLE = phonenumbers.ValidationResult.IS_POSSIBLE
E164 = phonenumbers.PhoneNumberFormat.E164


def international(written):
    """The E.164 form of a number written with its country code, else ''."""
    try:
        number = phonenumbers.parse(written.strip()[:64], None)
    except phonenumbers.NumberParseException:
        return ""
    if phonenumbers.is_possible_number_with_reason(number) != POSSIBLE:
        return ""
    return phonenumbers.format_number(number, E164)


def fill_e164(db, mark):
    rows = db.execute_sql("SELECT id, phone FROM contact WHERE phone <> ''").fetchall()
    found = [(form, cid) for cid, phone in rows if (form := international(phone))]
    cursor = db.cursor()
    cursor.executemany(f"UPDATE contact SET phone_e164 = {mark} WHERE id = {mark}", found)


def up(migrator, db):
    db.execute_sql("ALTER TABLE contact ADD COLUMN phone_e164 TEXT NOT NULL DEFAULT ''")
    db.execute_sql("CREATE INDEX contact_phone_e164 ON contact(phone_e164)")
    db.execute_sql(
        "ALTER TABLE message ADD COLUMN contact_id INTEGER "
        "REFERENCES contact(id) ON DELETE SET NULL"
    )
    db.execute_sql(
        "CREATE INDEX message_contact ON message(contact_id) WHERE contact_id IS NOT NULL"
    )
    db.execute_sql("CREATE TABLE request_done (id TEXT PRIMARY KEY, at DATETIME NOT NULL)")
    fill_e164(db, "?")
