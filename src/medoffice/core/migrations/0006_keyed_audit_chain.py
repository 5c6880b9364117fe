r"""Key the audit chain; make the checkpoint table append-only; triggers on SQLite too.

- ``mac_key_id`` and ``mac`` on each entry: HMAC-SHA256 of the entry's hash under a
  key from the environment (AUDIT_HMAC_KEYS), computed in Python; the key never
  reaches the database (docs/decisions/0007-keyed-audit-chain.md). Entries written
  before this migration keep both empty and verify by their plain hash.
- the checkpoint table (AuditVerification) gets the same key id and HMAC, the
  number of unkeyed entries, and a time set by Python (so the HMAC can cover it).
- PostgreSQL: ``core_auditevent_append`` (core migration 0005) is replaced. Python
  now computes the entry's hash and HMAC for the tail it expects (number, previous
  hash, time no earlier than the tail's); the function takes the lock, reads the
  tail, and inserts only when the tail is the one expected, after computing SHA-256
  itself and checking it equals the hash the HMAC covers. When the tail moved it
  inserts nothing and returns the tail (``new_id`` NULL), and Python tries again:
  still one round trip when one process writes, two when another wrote in between.
- triggers refusing UPDATE and DELETE on the checkpoint table (PostgreSQL), and on
  both tables on SQLite (core/audittriggers.py).

A later migration that adds a column to the audit log must replace the function;
one that rebuilds either table on SQLite must re-create the triggers.
"""

import django.utils.timezone
from django.db import migrations, models

from medoffice.core import audittriggers

APPEND_FUNCTION = r"""
DROP FUNCTION IF EXISTS core_auditevent_append;
CREATE FUNCTION core_auditevent_append(
    lock_key bigint,
    genesis_hash varchar,
    expected_seq bigint,
    expected_prev_hash varchar,
    p_occurred_at timestamptz,
    content_head bytea,
    content_middle bytea,
    content_tail bytea,
    p_entry_hash varchar,
    p_mac_key_id varchar,
    p_mac varchar,
    p_user_id bigint,
    p_username varchar,
    p_roles varchar,
    p_action varchar,
    p_object_type varchar,
    p_object_id varchar,
    p_patient_id bigint,
    p_data_category varchar,
    p_outcome varchar,
    p_client_ip inet,
    p_request_id varchar,
    p_detail varchar,
    OUT new_id bigint,
    OUT new_seq bigint,
    OUT new_occurred_at timestamptz,
    OUT new_prev_hash varchar,
    OUT new_entry_hash varchar
) AS $$
DECLARE
    tail_seq bigint;
    tail_hash varchar;
    tail_at timestamptz;
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT seq, entry_hash, occurred_at INTO tail_seq, tail_hash, tail_at
        FROM core_auditevent ORDER BY seq DESC LIMIT 1;
    IF NOT FOUND THEN
        tail_seq := 0;
        tail_hash := genesis_hash;
        tail_at := NULL;
    END IF;
    IF tail_seq + 1 <> expected_seq OR tail_hash <> expected_prev_hash
            OR coalesce(tail_at > p_occurred_at, false) THEN
        -- The tail moved since Python read it: insert nothing, say where it is now.
        new_seq := tail_seq + 1;
        new_prev_hash := tail_hash;
        new_occurred_at := tail_at;
        RETURN;
    END IF;
    new_seq := expected_seq;
    new_prev_hash := tail_hash;
    new_occurred_at := p_occurred_at;
    new_entry_hash := encode(
        sha256(
            convert_to(new_prev_hash || E'\n', 'UTF8')
            || content_head
            || convert_to(
                '"'
                || to_char(new_occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')
                || '+00:00"',
                'UTF8'
            )
            || content_middle
            || convert_to(new_seq::text, 'UTF8')
            || content_tail
        ),
        'hex'
    );
    IF new_entry_hash <> p_entry_hash THEN
        RAISE EXCEPTION 'audit append: the entry hashes to % in the database, not to the % its HMAC covers',
            new_entry_hash, p_entry_hash USING ERRCODE = 'data_exception';
    END IF;
    INSERT INTO core_auditevent (
        seq, occurred_at, user_id, username, roles, action, object_type, object_id,
        patient_id, data_category, outcome, client_ip, request_id, detail,
        prev_hash, entry_hash, mac_key_id, mac
    ) VALUES (
        new_seq, new_occurred_at, p_user_id, p_username, p_roles, p_action, p_object_type,
        p_object_id, p_patient_id, p_data_category, p_outcome, p_client_ip, p_request_id,
        p_detail, new_prev_hash, new_entry_hash, p_mac_key_id, p_mac
    ) RETURNING id INTO new_id;
END;
$$ LANGUAGE plpgsql VOLATILE;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_FUNCTION, params=None)
        schema_editor.execute(audittriggers.POSTGRES_CHECKPOINT_TRIGGER, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        audittriggers.create_sqlite_triggers(lambda sql: schema_editor.execute(sql, params=None))


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(audittriggers.POSTGRES_CHECKPOINT_TRIGGER_DROP, params=None)
        # The function of core migration 0005 comes back when 0005 is re-applied.
        schema_editor.execute("DROP FUNCTION IF EXISTS core_auditevent_append;", params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in audittriggers.sqlite_drop_statements():
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_audit_append_function"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="mac",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="mac_key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.AddField(
            model_name="auditverification",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.AddField(
            model_name="auditverification",
            name="mac",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddField(
            model_name="auditverification",
            name="unkeyed",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name="auditverification",
            name="checked_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(forward, backward),
    ]
