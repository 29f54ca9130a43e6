-- Subscription edits through Stripe (issue 5): the journal of edits in flight, and the Stripe state
-- that has no column in the backend's tables.

-- One row per edit, written before Stripe is called: who, what, from what state, the exact request and its
-- idempotency key. A row is finished once (pending -> done | failed | refused | abandoned) and never deleted,
-- so a crash at any point leaves a row that start-up recovery can finish.
CREATE TABLE ops.subscription_edit (
    id                      BIGSERIAL PRIMARY KEY,
    created_at              TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    actor                   TEXT NOT NULL DEFAULT session_user,
    profile                 TEXT,
    kind                    TEXT NOT NULL,
    stripe_subscription_id  TEXT,
    target                  TEXT NOT NULL,
    reason                  TEXT NOT NULL CHECK (btrim(reason) <> ''),
    before                  JSONB,
    method                  TEXT NOT NULL CHECK (method IN ('POST', 'DELETE', 'GET')),
    path                    TEXT NOT NULL,
    form                    TEXT NOT NULL DEFAULT '',
    idempotency_key         TEXT NOT NULL UNIQUE,
    state                   TEXT NOT NULL DEFAULT 'pending'
                                CHECK (state IN ('pending', 'done', 'failed', 'refused', 'abandoned')),
    outcome                 TEXT,
    finished_at             TIMESTAMP,
    finished_by             TEXT,
    attempts                INTEGER NOT NULL DEFAULT 0
);
-- At most one edit of a subscription in flight: a second one is refused, not interleaved.
CREATE UNIQUE INDEX subscription_edit_one_in_flight ON ops.subscription_edit (stripe_subscription_id)
    WHERE state = 'pending' AND stripe_subscription_id IS NOT NULL;
CREATE INDEX subscription_edit_pending ON ops.subscription_edit (created_at) WHERE state = 'pending';

CREATE FUNCTION ops.subscription_edit_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.actor := session_user;
    NEW.created_at := now() AT TIME ZONE 'UTC';
    NEW.state := 'pending';
    NEW.attempts := 0;
    RETURN NEW;
END
$$;
CREATE TRIGGER subscription_edit_stamp BEFORE INSERT ON ops.subscription_edit
    FOR EACH ROW EXECUTE FUNCTION ops.subscription_edit_stamp();

-- The request journaled is the request replayed: it cannot change, and a finished row stays finished.
CREATE FUNCTION ops.subscription_edit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'ops.subscription_edit keeps every edit: DELETE refused';
    END IF;
    IF OLD.state <> 'pending' AND NEW.state IS DISTINCT FROM OLD.state THEN
        RAISE EXCEPTION 'edit % is already %', OLD.id, OLD.state;
    END IF;
    IF (NEW.id, NEW.created_at, NEW.actor, NEW.profile, NEW.kind, NEW.stripe_subscription_id, NEW.target, NEW.reason,
        NEW.before, NEW.method, NEW.path, NEW.form, NEW.idempotency_key)
       IS DISTINCT FROM
       (OLD.id, OLD.created_at, OLD.actor, OLD.profile, OLD.kind, OLD.stripe_subscription_id, OLD.target, OLD.reason,
        OLD.before, OLD.method, OLD.path, OLD.form, OLD.idempotency_key) THEN
        RAISE EXCEPTION 'the journaled request of edit % cannot change', OLD.id;
    END IF;
    IF NEW.state <> 'pending' AND OLD.state = 'pending' THEN
        NEW.finished_at := now() AT TIME ZONE 'UTC';
        NEW.finished_by := session_user;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER subscription_edit_guard BEFORE UPDATE OR DELETE ON ops.subscription_edit
    FOR EACH ROW EXECUTE FUNCTION ops.subscription_edit_guard();
CREATE TRIGGER subscription_edit_no_truncate BEFORE TRUNCATE ON ops.subscription_edit
    FOR EACH STATEMENT EXECUTE FUNCTION ops.audit_log_is_append_only();

-- Stripe state with no backend column (DATA-MODEL.md), keyed by the Stripe subscription id.
CREATE TABLE ops.subscription_state (
    stripe_subscription_id  TEXT PRIMARY KEY,
    cancel_at_period_end    BOOLEAN NOT NULL DEFAULT false,
    pause_behavior          TEXT,
    pause_resumes_at        TIMESTAMP,
    stripe_price_id         TEXT,
    updated_at              TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);

GRANT SELECT ON ops.subscription_edit, ops.subscription_state TO cascade_ops_monitoring;
GRANT INSERT ON ops.subscription_edit TO cascade_ops_support;
GRANT UPDATE (state, outcome, attempts) ON ops.subscription_edit TO cascade_ops_support;
GRANT USAGE ON SEQUENCE ops.subscription_edit_id_seq TO cascade_ops_support;
GRANT INSERT, UPDATE ON ops.subscription_state TO cascade_ops_support;

CREATE OR REPLACE FUNCTION ops.schema_version() RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT 3';
