-- Example operator logins for CASCADE Ops (README: "Who may do what").
--
-- Run as an administrator AFTER the ops migration (`--migrate-ops URL`), which creates the two group roles with
-- exactly their privileges:
--   cascade_ops_monitoring  read the backend's tables and Ops' own, read statistics (pg_monitor),
--                           record personal-data access; no edits.
--   cascade_ops_support     all of monitoring, plus: UPDATE of the mirrored subscription columns only
--                           (subscriptions: tier, amount, status, current_period_start/end;
--                            cascade_users: subscription_tier, subscription_status), the journal of edits
--                           (ops.subscription_edit), Ops' own subscription state, appending to the audit log,
--                           and pg_signal_backend (cancel a query from the Database view).
-- The audit log is append-only for every role (triggers refuse UPDATE, DELETE and TRUNCATE, also for owners).
--
-- One login per person: the audit's "who" is the login (session_user), so never share one.
-- psql -v support_password=… -v monitoring_password=… -f operator-logins.sql "postgresql://admin@host/cascade"

CREATE ROLE maria_rossi LOGIN PASSWORD :'support_password' IN ROLE cascade_ops_support;
COMMENT ON ROLE maria_rossi IS 'CASCADE Ops support: Maria Rossi';

CREATE ROLE luca_bianchi LOGIN PASSWORD :'monitoring_password' IN ROLE cascade_ops_monitoring;
COMMENT ON ROLE luca_bianchi IS 'CASCADE Ops monitoring: Luca Bianchi';

-- Someone leaves: their entries stay in the audit under their name; the login goes.
-- DROP ROLE luca_bianchi;
