-- Who looked at whose personal data, and when (issue 4: "personal data access is accountable").
-- Append-only like ops.audit_log; monitoring staff view users too, so they (and support, which
-- inherits cascade_ops_monitoring) may insert. Who and when come from the server, never the client.

CREATE TABLE ops.personal_data_access (
    id       BIGSERIAL PRIMARY KEY,
    at       TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    viewer   TEXT NOT NULL DEFAULT session_user,
    profile  TEXT,
    user_id  INTEGER NOT NULL,
    what     TEXT
);
CREATE INDEX personal_data_access_user ON ops.personal_data_access (user_id, at);

-- One refusal function for every append-only table: the message names the table it guards
-- (for ops.audit_log it reads exactly as in version 1).
CREATE OR REPLACE FUNCTION ops.audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP;
END
$$;
CREATE TRIGGER personal_data_access_append_only
    BEFORE UPDATE OR DELETE ON ops.personal_data_access
    FOR EACH ROW EXECUTE FUNCTION ops.audit_log_is_append_only();
CREATE TRIGGER personal_data_access_no_truncate
    BEFORE TRUNCATE ON ops.personal_data_access
    FOR EACH STATEMENT EXECUTE FUNCTION ops.audit_log_is_append_only();

CREATE FUNCTION ops.personal_data_access_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.viewer := session_user;
    NEW.at := now() AT TIME ZONE 'UTC';
    RETURN NEW;
END
$$;
CREATE TRIGGER personal_data_access_stamp BEFORE INSERT ON ops.personal_data_access
    FOR EACH ROW EXECUTE FUNCTION ops.personal_data_access_stamp();

GRANT SELECT, INSERT ON ops.personal_data_access TO cascade_ops_monitoring;
GRANT USAGE ON SEQUENCE ops.personal_data_access_id_seq TO cascade_ops_monitoring;

CREATE OR REPLACE FUNCTION ops.schema_version() RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT 2';
