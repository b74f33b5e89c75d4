-- The OTT Compliance schema: event and assessment log, counters, audit, alerts, network links, PIPL persons, grain state.
-- Idempotent (IF NOT EXISTS everywhere). Written once, in PostgreSQL's dialect: apply it with
--   psql "$CONNECTION" -v ON_ERROR_STOP=1 -f deploy/sql/001_schema.sql     (deploy/postgres.sh does so)
-- The application embeds this file and applies it at start-up (Ott.Hosting/Storage/SqlSchema.cs). For SQLite (the
-- embedded profile, which nobody applies by hand) it rewrites the one construct SQLite spells differently: the
-- identity keys (PostgreSQL's identity column becomes SQLite's autoincrementing integer key).
-- Times are UTC ticks (bigint) so both engines compare them the same way.
CREATE TABLE IF NOT EXISTS ott_events (
    event_id varchar(128) PRIMARY KEY,
    user_id varchar(128) NOT NULL,
    region varchar(16) NOT NULL,
    event_time bigint NOT NULL,
    accepted_at bigint NOT NULL,
    state smallint NOT NULL DEFAULT 0,
    replayed_at bigint NULL,
    payload text NOT NULL);
CREATE INDEX IF NOT EXISTS ott_events_pending ON ott_events (accepted_at) WHERE state = 0;
-- Erasure by user and backtests (a period's events grouped by user, in event-time order).
DROP INDEX IF EXISTS ott_events_user;
CREATE INDEX IF NOT EXISTS ott_events_user_time ON ott_events (user_id, event_time);
CREATE TABLE IF NOT EXISTS ott_assessments (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id varchar(128) NOT NULL UNIQUE,
    user_id varchar(128) NOT NULL,
    region varchar(16) NOT NULL,
    risk_level smallint NOT NULL,
    event_time bigint NOT NULL,
    processed_at bigint NOT NULL,
    payload text NOT NULL,
    features text NULL);
CREATE INDEX IF NOT EXISTS ott_assessments_user ON ott_assessments (user_id, seq);
CREATE INDEX IF NOT EXISTS ott_assessments_region_time ON ott_assessments (region, event_time);
CREATE TABLE IF NOT EXISTS ott_counters (
    name varchar(64) PRIMARY KEY,
    value bigint NOT NULL);
CREATE TABLE IF NOT EXISTS ott_audit (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time bigint NOT NULL,
    actor varchar(128) NOT NULL,
    role varchar(64) NOT NULL,
    action varchar(128) NOT NULL,
    target_kind varchar(32) NOT NULL,
    target varchar(256) NOT NULL,
    result integer NOT NULL,
    client_ip varchar(64) NOT NULL,
    detail text NULL);
CREATE INDEX IF NOT EXISTS ott_audit_target ON ott_audit (target, id);
CREATE INDEX IF NOT EXISTS ott_audit_actor ON ott_audit (actor, id);
CREATE TABLE IF NOT EXISTS ott_alerts (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id varchar(200) NOT NULL UNIQUE,
    severity smallint NOT NULL,
    user_id varchar(128) NULL,
    raised_at bigint NOT NULL,
    payload text NOT NULL);
CREATE INDEX IF NOT EXISTS ott_alerts_user ON ott_alerts (user_id, seq);
CREATE TABLE IF NOT EXISTS ott_network_links (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id varchar(128) NOT NULL,
    kind smallint NOT NULL,
    value varchar(256) NOT NULL,
    at bigint NOT NULL);
CREATE INDEX IF NOT EXISTS ott_network_links_user ON ott_network_links (user_id);
CREATE TABLE IF NOT EXISTS ott_pipl_persons (
    route_key varchar(64) NOT NULL,
    person bigint NOT NULL,
    sensitive smallint NOT NULL,
    PRIMARY KEY (route_key, person, sensitive));
-- Known truth about assessed events: the latest verdict per event, with its source (analyst or simulation).
CREATE TABLE IF NOT EXISTS ott_outcomes (
    event_id varchar(128) PRIMARY KEY,
    user_id varchar(128) NOT NULL,
    event_time bigint NOT NULL,
    confirmed smallint NOT NULL,
    source varchar(16) NOT NULL,
    actor varchar(128) NULL,
    run_id varchar(64) NULL,
    recorded_at bigint NOT NULL);
CREATE INDEX IF NOT EXISTS ott_outcomes_user ON ott_outcomes (user_id);
CREATE TABLE IF NOT EXISTS ott_grain_state (
    service_id varchar(150) NOT NULL,
    state_name varchar(128) NOT NULL,
    grain_id varchar(512) NOT NULL,
    payload bytea NULL,
    version integer NOT NULL,
    modified_at bigint NOT NULL,
    PRIMARY KEY (service_id, state_name, grain_id));
