r"""On PostgreSQL, append to the audit chain in one statement (one round trip).

``core.audit.record_event`` runs on every request that reads patient data. Done
from Python, an append costs five round trips to the server (begin, lock, read
the chain's tail, insert, commit); this function does the lock, the read, the
hash and the insert inside the server, so a request pays one.

The hash is the one ``core/auditchain.py`` defines. Python serializes the
entry's content with holes for its time and its number (``canonical_pieces``);
the function takes both under the lock, so times follow the numbers, splices
them in (the time spelled as Python's ``isoformat(timespec="microseconds")`` of
a UTC time) and hashes ``prev_hash + "\n" + content`` with SHA-256.

Every statement of a PL/pgSQL function takes a fresh snapshot, so the tail is
read after the lock is held: concurrent writers queue on the lock and never
fork the chain. The lock is transaction-scoped: held to the end of the caller's
transaction, or of the statement itself in autocommit.

A later migration that adds a column to the audit log must replace this function.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION core_auditevent_append(
    lock_key bigint,
    genesis_hash varchar,
    content_head bytea,
    content_middle bytea,
    content_tail bytea,
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
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT seq + 1, entry_hash INTO new_seq, new_prev_hash
        FROM core_auditevent ORDER BY seq DESC LIMIT 1;
    IF NOT FOUND THEN
        new_seq := 1;
        new_prev_hash := genesis_hash;
    END IF;
    new_occurred_at := clock_timestamp();
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
    INSERT INTO core_auditevent (
        seq, occurred_at, user_id, username, roles, action, object_type, object_id,
        patient_id, data_category, outcome, client_ip, request_id, detail,
        prev_hash, entry_hash
    ) VALUES (
        new_seq, new_occurred_at, p_user_id, p_username, p_roles, p_action, p_object_type,
        p_object_id, p_patient_id, p_data_category, p_outcome, p_client_ip, p_request_id,
        p_detail, new_prev_hash, new_entry_hash
    ) RETURNING id INTO new_id;
END;
$$ LANGUAGE plpgsql VOLATILE;
"""

BACKWARD = "DROP FUNCTION IF EXISTS core_auditevent_append;"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_checkpoint")]

    operations = [migrations.RunPython(forward, backward)]
