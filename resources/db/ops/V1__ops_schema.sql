-- CASCADE Ops' own schema. Applied by an administrator with an owner role
-- (README: "Connecting to real servers"); the console checks its version at start.

-- Group roles every operator's own login is a member of (DATA-MODEL.md: access is enforced by the server).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cascade_ops_monitoring') THEN
        CREATE ROLE cascade_ops_monitoring NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cascade_ops_support') THEN
        CREATE ROLE cascade_ops_support NOLOGIN;
    END IF;
END
$$;
GRANT pg_monitor TO cascade_ops_monitoring;
GRANT cascade_ops_monitoring TO cascade_ops_support;
GRANT pg_signal_backend TO cascade_ops_support;

CREATE SCHEMA IF NOT EXISTS ops;
GRANT USAGE ON SCHEMA ops TO cascade_ops_monitoring;

-- Append-only: the audit's "who" is the real login (session_user), never a value the client sends.
CREATE TABLE ops.audit_log (
    id          BIGSERIAL PRIMARY KEY,
    at          TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    actor       TEXT NOT NULL DEFAULT session_user,
    profile     TEXT,
    action      TEXT NOT NULL,
    target      TEXT,
    reason      TEXT,
    details     JSONB
);

CREATE FUNCTION ops.audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ops.audit_log is append-only: % refused', TG_OP;
END
$$;
CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON ops.audit_log
    FOR EACH ROW EXECUTE FUNCTION ops.audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON ops.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION ops.audit_log_is_append_only();

-- Callers cannot forge who or when: both come from the server.
CREATE FUNCTION ops.audit_log_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.actor := session_user;
    NEW.at := now() AT TIME ZONE 'UTC';
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_log_stamp BEFORE INSERT ON ops.audit_log
    FOR EACH ROW EXECUTE FUNCTION ops.audit_log_stamp();

GRANT SELECT ON ops.audit_log TO cascade_ops_monitoring;
GRANT INSERT ON ops.audit_log TO cascade_ops_support;
GRANT USAGE ON SEQUENCE ops.audit_log_id_seq TO cascade_ops_support;

-- Read access to the backend's tables for both groups; support may write only the mirrored
-- subscription columns DATA-MODEL.md lists (column grants, not table grants).
GRANT SELECT ON public.cascade_users, public.subscriptions,
                public.consciousness_patterns, public.collaboration_sessions TO cascade_ops_monitoring;
GRANT UPDATE (tier, amount, status, current_period_start, current_period_end) ON public.subscriptions
    TO cascade_ops_support;
GRANT UPDATE (subscription_tier, subscription_status) ON public.cascade_users TO cascade_ops_support;

-- What the console checks at start (monitoring logins can call it; the history table stays private).
CREATE OR REPLACE FUNCTION ops.schema_version() RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT 1';
