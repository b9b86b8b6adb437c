"""The first schema: channels, contacts, attributes, conversations, messages, assistants, log.

The models here are frozen copies, deliberately independent of `models.store.schema`.
"""

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Channel(Base):
        id = AutoField()
        name = CharField(unique=True)
        kind = CharField()
        social = BooleanField(default=False)

    class Contact(Base):
        id = AutoField()
        name = TextField(default="")
        email = TextField(default="", index=True)
        phone = TextField(default="")
        phone_digits = TextField(default="", index=True)
        created_at = TextField()

    class Attribute(Base):
        id = AutoField()
        contact = ForeignKeyField(Contact, on_delete="CASCADE")
        key = TextField()
        value = TextField()
        source = CharField()
        set_at = TextField()

        class Meta:
            indexes = ((("contact", "key"), True),)

    class Conversation(Base):
        id = AutoField()
        channel = ForeignKeyField(Channel, on_delete="RESTRICT")
        contact = ForeignKeyField(Contact, null=True, on_delete="SET NULL")
        subject = TextField(default="")
        status = CharField(default="open")
        archived_at = TextField(null=True)
        created_at = TextField()
        last_activity = TextField()
        held = BooleanField(default=False)

        class Meta:
            indexes = (
                (("status", "last_activity", "id"), False),
                (("channel", "last_activity"), False),
            )

    class Message(Base):
        id = AutoField()
        conversation = ForeignKeyField(Conversation, on_delete="CASCADE")
        author = TextField()
        body = TextField(default="")
        sent_at = TextField()

    class Assistant(Base):
        channel = ForeignKeyField(Channel, primary_key=True, on_delete="CASCADE")
        enabled = BooleanField(default=False)
        days = IntegerField(default=30)
        last_run_at = TextField(null=True)
        last_run_count = IntegerField(default=0)

    class DeletionLog(Base):
        id = AutoField()
        at = TextField()
        actor = TextField()
        action = CharField()
        count = IntegerField()
        reason = TextField(default="")

    db.create_tables([Channel, Contact, Attribute, Conversation, Message, Assistant, DeletionLog])
    db.execute_sql(
        "CREATE INDEX IF NOT EXISTS conversation_activity ON conversation(last_activity, id)"
    )
    db.execute_sql(
        "CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5("
        "name, email, phone, subject, body, tokenize='unicode61 remove_diacritics 2')"
    )
