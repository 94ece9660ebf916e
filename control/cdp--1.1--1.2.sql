-- cdp extension, upgrade 1.1 -> 1.2: retention and sessions (SQL API
-- sections 2 and 3). A fresh CREATE EXTENSION runs cdp--1.0.sql,
-- cdp--1.0--1.1.sql and then this script.
\echo Use "ALTER EXTENSION cdp UPDATE TO '1.2'" to load this file. \quit

------------------------------------------------------------------------------
-- retention(VARIADIC conds): a bitmask of the conditions met (OR-combined)
------------------------------------------------------------------------------

-- The conditions are VARIADIC "any" (each must be boolean: checked at the
-- first row, SQLSTATE 42804) so no boolean[] is built per row; a call with
-- an explicit VARIADIC boolean[] works too.
CREATE FUNCTION cdp_retention_trans(internal, VARIADIC "any") RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_retention_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_retention_final(internal) RETURNS integer[]
  AS 'MODULE_PATHNAME', 'cdp_retention_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_retention_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_retention_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_retention_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'cdp_retention_serialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_retention_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_retention_deserialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION cdp_retention_trans(internal, VARIADIC "any") IS 'transition function of retention';
COMMENT ON FUNCTION cdp_retention_final(internal) IS 'final function of retention';
COMMENT ON FUNCTION cdp_retention_combine(internal, internal) IS 'combine function of retention (OR of the conditions met)';
COMMENT ON FUNCTION cdp_retention_serialize(internal) IS 'serializes a retention state (version byte + bitmask)';
COMMENT ON FUNCTION cdp_retention_deserialize(bytea, internal) IS 'deserializes and validates a retention state';

CREATE AGGREGATE retention(VARIADIC conds "any") (
  SFUNC = cdp_retention_trans, STYPE = internal, SSPACE = 32,
  FINALFUNC = cdp_retention_final, COMBINEFUNC = cdp_retention_combine,
  SERIALFUNC = cdp_retention_serialize, DESERIALFUNC = cdp_retention_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE retention(VARIADIC "any") IS 'element 1 = 1 if a row met cond 1; element k = 1 if element 1 is 1 and a row met cond k';

------------------------------------------------------------------------------
-- retention_periods(anchor, ts, active, period, periods [, mode])
------------------------------------------------------------------------------

-- The timestamptz transition functions are STABLE: with calendar periods,
-- or a period with days or months, they read the session TimeZone.
CREATE FUNCTION cdp_retention_periods_trans(internal, boolean, timestamptz, boolean, interval, integer) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_retention_periods_tz_trans' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION cdp_retention_periods_trans(internal, boolean, timestamp, boolean, interval, integer) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_retention_periods_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_retention_periods_trans(internal, boolean, timestamptz, boolean, interval, integer, text) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_retention_periods_tz_trans' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION cdp_retention_periods_trans(internal, boolean, timestamp, boolean, interval, integer, text) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_retention_periods_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_retention_periods_final(internal) RETURNS integer[]
  AS 'MODULE_PATHNAME', 'cdp_retention_periods_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_retention_periods_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_retention_periods_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_retention_periods_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'cdp_retention_periods_serialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_retention_periods_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_retention_periods_deserialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION cdp_retention_periods_trans(internal, boolean, timestamptz, boolean, interval, integer) IS 'transition function of retention_periods';
COMMENT ON FUNCTION cdp_retention_periods_trans(internal, boolean, timestamp, boolean, interval, integer) IS 'transition function of retention_periods';
COMMENT ON FUNCTION cdp_retention_periods_trans(internal, boolean, timestamptz, boolean, interval, integer, text) IS 'transition function of retention_periods with mode flags';
COMMENT ON FUNCTION cdp_retention_periods_trans(internal, boolean, timestamp, boolean, interval, integer, text) IS 'transition function of retention_periods with mode flags';
COMMENT ON FUNCTION cdp_retention_periods_final(internal) IS 'final function of retention_periods';
COMMENT ON FUNCTION cdp_retention_periods_combine(internal, internal) IS 'combine function of retention_periods';
COMMENT ON FUNCTION cdp_retention_periods_serialize(internal) IS 'serializes a retention_periods state (version byte, parameters, anchor, activity)';
COMMENT ON FUNCTION cdp_retention_periods_deserialize(bytea, internal) IS 'deserializes and validates a retention_periods state';

CREATE AGGREGATE retention_periods(anchor boolean, ts timestamptz, active boolean, period interval, periods integer) (
  SFUNC = cdp_retention_periods_trans, STYPE = internal, SSPACE = 160,
  FINALFUNC = cdp_retention_periods_final, COMBINEFUNC = cdp_retention_periods_combine,
  SERIALFUNC = cdp_retention_periods_serialize, DESERIALFUNC = cdp_retention_periods_deserialize,
  PARALLEL = SAFE);
CREATE AGGREGATE retention_periods(anchor boolean, ts timestamp, active boolean, period interval, periods integer) (
  SFUNC = cdp_retention_periods_trans, STYPE = internal, SSPACE = 160,
  FINALFUNC = cdp_retention_periods_final, COMBINEFUNC = cdp_retention_periods_combine,
  SERIALFUNC = cdp_retention_periods_serialize, DESERIALFUNC = cdp_retention_periods_deserialize,
  PARALLEL = SAFE);
CREATE AGGREGATE retention_periods(anchor boolean, ts timestamptz, active boolean, period interval, periods integer, mode text) (
  SFUNC = cdp_retention_periods_trans, STYPE = internal, SSPACE = 160,
  FINALFUNC = cdp_retention_periods_final, COMBINEFUNC = cdp_retention_periods_combine,
  SERIALFUNC = cdp_retention_periods_serialize, DESERIALFUNC = cdp_retention_periods_deserialize,
  PARALLEL = SAFE);
CREATE AGGREGATE retention_periods(anchor boolean, ts timestamp, active boolean, period interval, periods integer, mode text) (
  SFUNC = cdp_retention_periods_trans, STYPE = internal, SSPACE = 160,
  FINALFUNC = cdp_retention_periods_final, COMBINEFUNC = cdp_retention_periods_combine,
  SERIALFUNC = cdp_retention_periods_serialize, DESERIALFUNC = cdp_retention_periods_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE retention_periods(boolean, timestamptz, boolean, interval, integer) IS 'element 1 = 1 if there is an anchor row; element k+1 = 1 if an active row falls in period k after the earliest anchor';
COMMENT ON AGGREGATE retention_periods(boolean, timestamp, boolean, interval, integer) IS 'element 1 = 1 if there is an anchor row; element k+1 = 1 if an active row falls in period k after the earliest anchor';
COMMENT ON AGGREGATE retention_periods(boolean, timestamptz, boolean, interval, integer, text) IS 'retention_periods with mode flags on_or_after and calendar (calendar units in the session time zone)';
COMMENT ON AGGREGATE retention_periods(boolean, timestamp, boolean, interval, integer, text) IS 'retention_periods with mode flags on_or_after and calendar';

------------------------------------------------------------------------------
-- retention_counts(int[]): element-wise sum (concrete bigint[] state)
------------------------------------------------------------------------------

CREATE FUNCTION cdp_retention_counts_trans(bigint[], integer[]) RETURNS bigint[]
  AS 'MODULE_PATHNAME', 'cdp_retention_counts_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_retention_counts_combine(bigint[], bigint[]) RETURNS bigint[]
  AS 'MODULE_PATHNAME', 'cdp_retention_counts_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION cdp_retention_counts_trans(bigint[], integer[]) IS 'transition function of retention_counts';
COMMENT ON FUNCTION cdp_retention_counts_combine(bigint[], bigint[]) IS 'combine function of retention_counts (element-wise sum)';

CREATE AGGREGATE retention_counts(r integer[]) (
  SFUNC = cdp_retention_counts_trans, STYPE = bigint[],
  COMBINEFUNC = cdp_retention_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE retention_counts(integer[]) IS 'element-wise sum of retention arrays (all of the same length); NULL arrays are skipped';

------------------------------------------------------------------------------
-- session_number, session_start: window functions (aggregates used with
-- OVER (PARTITION BY user ORDER BY ts)); constant state per partition
------------------------------------------------------------------------------

CREATE FUNCTION cdp_session_cursor_trans(internal, timestamptz, interval) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_session_cursor_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_session_cursor_trans(internal, timestamp, interval) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_session_cursor_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_session_cursor_trans(internal, timestamptz, interval, interval) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_session_cursor_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_session_cursor_trans(internal, timestamp, interval, interval) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_session_cursor_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_session_number_final(internal) RETURNS integer
  AS 'MODULE_PATHNAME', 'cdp_session_number_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_session_start_final(internal) RETURNS timestamptz
  AS 'MODULE_PATHNAME', 'cdp_session_start_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_session_start_ts_final(internal) RETURNS timestamp
  AS 'MODULE_PATHNAME', 'cdp_session_start_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- A running session number cannot be built from partial aggregates: these
-- raise SQLSTATE 0A000. They are never reached (see docs/sessions.md).
CREATE FUNCTION cdp_session_cursor_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_session_cursor_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_session_cursor_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'cdp_session_cursor_serialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_session_cursor_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_session_cursor_deserialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION cdp_session_cursor_trans(internal, timestamptz, interval) IS 'transition function of session_number and session_start';
COMMENT ON FUNCTION cdp_session_cursor_trans(internal, timestamp, interval) IS 'transition function of session_number and session_start';
COMMENT ON FUNCTION cdp_session_cursor_trans(internal, timestamptz, interval, interval) IS 'transition function of session_number and session_start with a max_duration';
COMMENT ON FUNCTION cdp_session_cursor_trans(internal, timestamp, interval, interval) IS 'transition function of session_number and session_start with a max_duration';
COMMENT ON FUNCTION cdp_session_number_final(internal) IS 'final function of session_number';
COMMENT ON FUNCTION cdp_session_start_final(internal) IS 'final function of session_start (timestamptz)';
COMMENT ON FUNCTION cdp_session_start_ts_final(internal) IS 'final function of session_start (timestamp)';
COMMENT ON FUNCTION cdp_session_cursor_combine(internal, internal) IS 'combine function of session_number and session_start: raises 0A000 (window functions only)';
COMMENT ON FUNCTION cdp_session_cursor_serialize(internal) IS 'serialize function of session_number and session_start: raises 0A000 (window functions only)';
COMMENT ON FUNCTION cdp_session_cursor_deserialize(bytea, internal) IS 'deserialize function of session_number and session_start: raises 0A000 (window functions only)';

CREATE AGGREGATE session_number(ts timestamptz, gap interval) (
  SFUNC = cdp_session_cursor_trans, STYPE = internal, SSPACE = 48,
  FINALFUNC = cdp_session_number_final, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = cdp_session_cursor_combine, SERIALFUNC = cdp_session_cursor_serialize,
  DESERIALFUNC = cdp_session_cursor_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE session_number(ts timestamp, gap interval) (
  SFUNC = cdp_session_cursor_trans, STYPE = internal, SSPACE = 48,
  FINALFUNC = cdp_session_number_final, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = cdp_session_cursor_combine, SERIALFUNC = cdp_session_cursor_serialize,
  DESERIALFUNC = cdp_session_cursor_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE session_number(ts timestamptz, gap interval, max_duration interval) (
  SFUNC = cdp_session_cursor_trans, STYPE = internal, SSPACE = 48,
  FINALFUNC = cdp_session_number_final, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = cdp_session_cursor_combine, SERIALFUNC = cdp_session_cursor_serialize,
  DESERIALFUNC = cdp_session_cursor_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE session_number(ts timestamp, gap interval, max_duration interval) (
  SFUNC = cdp_session_cursor_trans, STYPE = internal, SSPACE = 48,
  FINALFUNC = cdp_session_number_final, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = cdp_session_cursor_combine, SERIALFUNC = cdp_session_cursor_serialize,
  DESERIALFUNC = cdp_session_cursor_deserialize, PARALLEL = SAFE);
COMMENT ON AGGREGATE session_number(timestamptz, interval) IS 'window function: 1-based session number of the row (new session after a gap > gap); use OVER (PARTITION BY user ORDER BY ts)';
COMMENT ON AGGREGATE session_number(timestamp, interval) IS 'window function: 1-based session number of the row (new session after a gap > gap); use OVER (PARTITION BY user ORDER BY ts)';
COMMENT ON AGGREGATE session_number(timestamptz, interval, interval) IS 'window function: 1-based session number of the row, sessions also split at max_duration; use OVER (PARTITION BY user ORDER BY ts)';
COMMENT ON AGGREGATE session_number(timestamp, interval, interval) IS 'window function: 1-based session number of the row, sessions also split at max_duration; use OVER (PARTITION BY user ORDER BY ts)';

CREATE AGGREGATE session_start(ts timestamptz, gap interval) (
  SFUNC = cdp_session_cursor_trans, STYPE = internal, SSPACE = 48,
  FINALFUNC = cdp_session_start_final, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = cdp_session_cursor_combine, SERIALFUNC = cdp_session_cursor_serialize,
  DESERIALFUNC = cdp_session_cursor_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE session_start(ts timestamp, gap interval) (
  SFUNC = cdp_session_cursor_trans, STYPE = internal, SSPACE = 48,
  FINALFUNC = cdp_session_start_ts_final, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = cdp_session_cursor_combine, SERIALFUNC = cdp_session_cursor_serialize,
  DESERIALFUNC = cdp_session_cursor_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE session_start(ts timestamptz, gap interval, max_duration interval) (
  SFUNC = cdp_session_cursor_trans, STYPE = internal, SSPACE = 48,
  FINALFUNC = cdp_session_start_final, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = cdp_session_cursor_combine, SERIALFUNC = cdp_session_cursor_serialize,
  DESERIALFUNC = cdp_session_cursor_deserialize, PARALLEL = SAFE);
CREATE AGGREGATE session_start(ts timestamp, gap interval, max_duration interval) (
  SFUNC = cdp_session_cursor_trans, STYPE = internal, SSPACE = 48,
  FINALFUNC = cdp_session_start_ts_final, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = cdp_session_cursor_combine, SERIALFUNC = cdp_session_cursor_serialize,
  DESERIALFUNC = cdp_session_cursor_deserialize, PARALLEL = SAFE);
COMMENT ON AGGREGATE session_start(timestamptz, interval) IS 'window function: start time of the row''s session; use OVER (PARTITION BY user ORDER BY ts)';
COMMENT ON AGGREGATE session_start(timestamp, interval) IS 'window function: start time of the row''s session; use OVER (PARTITION BY user ORDER BY ts)';
COMMENT ON AGGREGATE session_start(timestamptz, interval, interval) IS 'window function: start time of the row''s session, sessions also split at max_duration; use OVER (PARTITION BY user ORDER BY ts)';
COMMENT ON AGGREGATE session_start(timestamp, interval, interval) IS 'window function: start time of the row''s session, sessions also split at max_duration; use OVER (PARTITION BY user ORDER BY ts)';

------------------------------------------------------------------------------
-- session_summary: per-user aggregate returning a composite
------------------------------------------------------------------------------

CREATE TYPE cdp_session_summary AS (
  sessions       integer,
  events         bigint,
  total_duration interval,
  bounces        integer,
  first_start    timestamptz,
  last_end       timestamptz
);
COMMENT ON TYPE cdp_session_summary IS 'result of session_summary: sessions, events, total duration (sum of last minus first event of each session), bounces (one-event sessions), first and last event time';
-- The same with timestamp (without time zone) fields: the result of
-- session_summary over timestamp values.
CREATE TYPE cdp_session_summary_ts AS (
  sessions       integer,
  events         bigint,
  total_duration interval,
  bounces        integer,
  first_start    timestamp,
  last_end       timestamp
);
COMMENT ON TYPE cdp_session_summary_ts IS 'result of session_summary over timestamp (without time zone) values: as cdp_session_summary, with timestamp fields';

CREATE FUNCTION cdp_session_summary_trans(internal, timestamptz, interval) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_session_summary_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_session_summary_trans(internal, timestamp, interval) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_session_summary_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_session_summary_trans(internal, timestamptz, interval, interval) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_session_summary_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_session_summary_trans(internal, timestamp, interval, interval) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_session_summary_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_session_summary_final(internal) RETURNS cdp_session_summary
  AS 'MODULE_PATHNAME', 'cdp_session_summary_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_session_summary_ts_final(internal) RETURNS cdp_session_summary_ts
  AS 'MODULE_PATHNAME', 'cdp_session_summary_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_session_summary_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_session_summary_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_session_summary_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'cdp_session_summary_serialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cdp_session_summary_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'cdp_session_summary_deserialize' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION cdp_session_summary_trans(internal, timestamptz, interval) IS 'transition function of session_summary';
COMMENT ON FUNCTION cdp_session_summary_trans(internal, timestamp, interval) IS 'transition function of session_summary';
COMMENT ON FUNCTION cdp_session_summary_trans(internal, timestamptz, interval, interval) IS 'transition function of session_summary with a max_duration';
COMMENT ON FUNCTION cdp_session_summary_trans(internal, timestamp, interval, interval) IS 'transition function of session_summary with a max_duration';
COMMENT ON FUNCTION cdp_session_summary_final(internal) IS 'final function of session_summary (timestamptz)';
COMMENT ON FUNCTION cdp_session_summary_ts_final(internal) IS 'final function of session_summary (timestamp)';
COMMENT ON FUNCTION cdp_session_summary_combine(internal, internal) IS 'combine function of session_summary (merges sorted timestamps)';
COMMENT ON FUNCTION cdp_session_summary_serialize(internal) IS 'serializes a session_summary state (version byte, parameters, sorted timestamps as varint deltas)';
COMMENT ON FUNCTION cdp_session_summary_deserialize(bytea, internal) IS 'deserializes and validates a session_summary state';

CREATE AGGREGATE session_summary(ts timestamptz, gap interval) (
  SFUNC = cdp_session_summary_trans, STYPE = internal, SSPACE = 128,
  FINALFUNC = cdp_session_summary_final, COMBINEFUNC = cdp_session_summary_combine,
  SERIALFUNC = cdp_session_summary_serialize, DESERIALFUNC = cdp_session_summary_deserialize,
  PARALLEL = SAFE);
CREATE AGGREGATE session_summary(ts timestamp, gap interval) (
  SFUNC = cdp_session_summary_trans, STYPE = internal, SSPACE = 128,
  FINALFUNC = cdp_session_summary_ts_final, COMBINEFUNC = cdp_session_summary_combine,
  SERIALFUNC = cdp_session_summary_serialize, DESERIALFUNC = cdp_session_summary_deserialize,
  PARALLEL = SAFE);
CREATE AGGREGATE session_summary(ts timestamptz, gap interval, max_duration interval) (
  SFUNC = cdp_session_summary_trans, STYPE = internal, SSPACE = 128,
  FINALFUNC = cdp_session_summary_final, COMBINEFUNC = cdp_session_summary_combine,
  SERIALFUNC = cdp_session_summary_serialize, DESERIALFUNC = cdp_session_summary_deserialize,
  PARALLEL = SAFE);
CREATE AGGREGATE session_summary(ts timestamp, gap interval, max_duration interval) (
  SFUNC = cdp_session_summary_trans, STYPE = internal, SSPACE = 128,
  FINALFUNC = cdp_session_summary_ts_final, COMBINEFUNC = cdp_session_summary_combine,
  SERIALFUNC = cdp_session_summary_serialize, DESERIALFUNC = cdp_session_summary_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE session_summary(timestamptz, interval) IS 'per-user session statistics (cdp_session_summary) with sessions split after a gap > gap; NULL for no rows';
COMMENT ON AGGREGATE session_summary(timestamp, interval) IS 'per-user session statistics (cdp_session_summary_ts) with sessions split after a gap > gap; NULL for no rows';
COMMENT ON AGGREGATE session_summary(timestamptz, interval, interval) IS 'per-user session statistics (cdp_session_summary), sessions also split at max_duration; NULL for no rows';
COMMENT ON AGGREGATE session_summary(timestamp, interval, interval) IS 'per-user session statistics (cdp_session_summary_ts), sessions also split at max_duration; NULL for no rows';
