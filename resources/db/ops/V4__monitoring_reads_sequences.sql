-- The health checks measure how close SERIAL keys are to overflow (pghero's sequence danger); a
-- sequence's last_value is hidden from a login without SELECT or USAGE on it, so a monitoring login
-- (and support, which inherits it) may read the backend's and Ops' sequences: reading a counter
-- reveals no personal data and changes nothing (nextval needs USAGE or UPDATE, not granted).
GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO cascade_ops_monitoring;
GRANT SELECT ON ALL SEQUENCES IN SCHEMA ops TO cascade_ops_monitoring;

CREATE OR REPLACE FUNCTION ops.schema_version() RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT 4';
