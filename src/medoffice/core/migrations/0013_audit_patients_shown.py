r"""The patients a read showed, on its audit entry; the "error" outcome.

- ``patient_ids`` on each entry (ONC 170.315(d)(2), (d)(10), (d)(11): the accounting
  of disclosures must say who saw a patient, and a search or a list shows many in one
  read). Hashed with the rest of the entry, but left out of the canonical form while
  empty (core/auditchain.py, ``OPTIONAL_FIELDS``), so entries written before hash as
  they did and the chain still verifies.
- PostgreSQL: ``core_auditevent_append`` (core migration 0006) is replaced by one that
  takes and inserts ``p_patient_ids`` last; the hashing is unchanged (Python sends the
  canonical content). Going back restores 0006's function.
- SQLite: adding a NOT NULL column rebuilds the audit table, which drops its triggers;
  they are re-created.
- The outcome "error" (a request that failed on the server) is a new choice only.
"""

from importlib import import_module

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
    p_patient_ids text,
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
        patient_id, data_category, outcome, client_ip, request_id, detail, patient_ids,
        prev_hash, entry_hash, mac_key_id, mac
    ) VALUES (
        new_seq, new_occurred_at, p_user_id, p_username, p_roles, p_action, p_object_type,
        p_object_id, p_patient_id, p_data_category, p_outcome, p_client_ip, p_request_id,
        p_detail, p_patient_ids, new_prev_hash, new_entry_hash, p_mac_key_id, p_mac
    ) RETURNING id INTO new_id;
END;
$$ LANGUAGE plpgsql VOLATILE;
"""

# Core migration 0006's function, restored on the way back.
PREVIOUS_FUNCTION = import_module("medoffice.core.migrations.0006_keyed_audit_chain").APPEND_FUNCTION


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_FUNCTION, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        audittriggers.create_sqlite_triggers(lambda sql: schema_editor.execute(sql, params=None))


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS_FUNCTION, params=None)


def sqlite_triggers_again(apps, schema_editor):
    # Removing the column on the way back rebuilds the table too.
    if schema_editor.connection.vendor == "sqlite":
        audittriggers.create_sqlite_triggers(lambda sql: schema_editor.execute(sql, params=None))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0012_accounts_must_change_password"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, sqlite_triggers_again),
        migrations.AddField(
            model_name="auditevent",
            name="patient_ids",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="outcome",
            field=models.CharField(
                choices=[
                    ("success", "Success"),
                    ("failure", "Failure"),
                    ("denied", "Denied"),
                    ("error", "Error"),
                ],
                default="success",
                max_length=10,
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
